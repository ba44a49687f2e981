#!/usr/bin/env python3
#===- collect_seeds.py - seed corpora of the fuzz targets -----------------===#
#
# collect_seeds.py OUT_DIR FILE...
#
# Copies the test inputs FILE... into OUT_DIR as a libFuzzer seed corpus
# (OUT_DIR is emptied first). MLIR files are split at `// -----`, as
# --split-input-file does, so that each seed is one small test case; seeds
# larger than MAX_SEED_BYTES are left out (they would only slow the fuzzer
# down).
#
#===----------------------------------------------------------------------===#

import hashlib
import os
import shutil
import sys

MAX_SEED_BYTES = 16384


def pieces(path):
    with open(path, "rb") as f:
        data = f.read()
    if not path.endswith(".mlir"):
        return [data]
    chunks, current = [], []
    for line in data.splitlines(keepends=True):
        if line.strip() == b"// -----":
            chunks.append(b"".join(current))
            current = []
        else:
            current.append(line)
    chunks.append(b"".join(current))
    return chunks


def main():
    out, inputs = sys.argv[1], sys.argv[2:]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    kept = 0
    for path in inputs:
        for piece in pieces(path):
            if not piece.strip() or len(piece) > MAX_SEED_BYTES:
                continue
            # Named by content, as libFuzzer names corpus files.
            name = hashlib.sha1(piece).hexdigest()
            with open(os.path.join(out, name), "wb") as f:
                f.write(piece)
            kept += 1
    print(f"{out}: {kept} seeds")


if __name__ == "__main__":
    main()
