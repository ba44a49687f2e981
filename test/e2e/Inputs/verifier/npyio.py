"""Reads and writes NumPy .npy files with the standard library only.

The verifier's property tests (test/e2e/verifier-*.test) write their inputs
and read quant-run's outputs with it: CI machines need no numpy.
"""

import array
import ast
import struct

# dtype string -> (array typecode, byte size).
_CODES = {
    "|b1": ("b", 1),
    "|i1": ("b", 1),
    "|u1": ("B", 1),
    "<i2": ("h", 2),
    "<u2": ("H", 2),
    "<i4": ("i", 4),
    "<u4": ("I", 4),
    "<i8": ("q", 8),
    "<u8": ("Q", 8),
    "<f4": ("f", 4),
    "<f8": ("d", 8),
}


def write(path, values, shape, dtype):
    """Writes `values` (a flat sequence, row-major) of `shape` as `dtype`
    ("<i8" or "<f4")."""
    code, _ = _CODES[dtype]
    data = array.array(code, values)
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        dtype, "".join("%d, " % n for n in shape) if len(shape) != 1 else "%d," % shape[0])
    # Magic, version 1.0, header length; the header is padded to 64 bytes.
    size = 10 + len(header) + 1
    header += " " * ((64 - size % 64) % 64) + "\n"
    with open(path, "wb") as out:
        out.write(b"\x93NUMPY\x01\x00")
        out.write(struct.pack("<H", len(header)))
        out.write(header.encode("latin1"))
        out.write(data.tobytes())


def read(path):
    """Returns (flat values, shape) of a C-order little-endian .npy file."""
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:6] != b"\x93NUMPY":
        raise ValueError("%s: not a .npy file" % path)
    major = blob[6]
    if major == 1:
        (length,) = struct.unpack("<H", blob[8:10])
        start = 10
    else:
        (length,) = struct.unpack("<I", blob[8:12])
        start = 12
    header = ast.literal_eval(blob[start:start + length].decode("latin1"))
    if header["fortran_order"]:
        raise ValueError("%s: Fortran order" % path)
    code, size = _CODES[header["descr"]]
    data = array.array(code)
    data.frombytes(blob[start + length:])
    return data, tuple(header["shape"])
