"""Checks the qfhe.input_gram quant-run calibrate recorded on conv.mlir
against numpy: the convolution's windows (channel, row, column; zero
padding included; stride 2) and the matmul's rows, averaged over every
sample and output position. With --many, conv_many.mlir instead: every
second window of the whole set, in order (sample, row, column).
Usage: check_gram.py [--many] CALIBRATED.mlir DATA.npy"""
import re
import sys

import numpy as np


def read_grams(path):
    text = open(path).read()
    grams = []
    for match in re.finditer(
        r"qfhe\.input_gram = \{rows = (\d+) : i64, second_moments = dense<(.*?)> : tensor<(\d+)x\d+xf32>\}",
        text,
    ):
        rows, body, size = int(match.group(1)), match.group(2), int(match.group(3))
        if body.startswith('"0x'):
            values = np.frombuffer(bytes.fromhex(body[3:-1]), dtype="<f4")
        else:
            values = np.array([float(v) for v in re.findall(r"[-+0-9.eE]+", body)])
        grams.append((rows, values.reshape(size, size)))
    return grams


many = sys.argv[1] == "--many"
args = sys.argv[2:] if many else sys.argv[1:]
x = np.load(args[1]).astype(np.float64)
if many:
    windows = np.array(
        [x[n, :, i : i + 3, j : j + 3].ravel() for n in range(len(x)) for i in range(31) for j in range(31)]
    )[::2]
    (rows, gram), = read_grams(args[0])
    want = windows.T @ windows / len(windows)
    error = np.abs(gram - want).max() / np.abs(want).max()
    if rows != len(windows) or not error < 1e-6:
        sys.exit(f"rows {rows} (expected {len(windows)}), relative error {error}")
    print(f"gram {gram.shape[0]}x{gram.shape[0]} over {rows} rows: ok")
    sys.exit(0)
padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
windows = np.array(
    [padded[n, :, 2 * i : 2 * i + 3, 2 * j : 2 * j + 3].ravel() for n in range(len(x)) for i in range(3) for j in range(3)]
)
filters = np.full((2, 2, 3, 3), 0.25)
out = np.einsum("pk,fk->pf", windows, filters.reshape(2, -1)).reshape(len(x), 3, 3, 2)
flat = out.transpose(0, 3, 1, 2).reshape(len(x), 18)
expected = [
    (len(windows), windows.T @ windows / len(windows)),
    (len(flat), flat.T @ flat / len(flat)),
]
got = read_grams(args[0])
if len(got) != 2:
    sys.exit(f"expected 2 qfhe.input_gram, found {len(got)}")
for (rows, gram), (want_rows, want) in zip(got, expected):
    if rows != want_rows:
        sys.exit(f"rows {rows}, expected {want_rows}")
    error = np.abs(gram - want).max() / np.abs(want).max()
    if not error < 1e-6:
        sys.exit(f"relative error {error} against numpy")
    print(f"gram {gram.shape[0]}x{gram.shape[0]} over {rows} rows: ok")
