#!/usr/bin/env python3
"""Writes the inputs of test/e2e/range-soundness.test (not run by tests).

For each imported ONNX test model (test/Import/Inputs), samples inside the
declared input range [-2, 3]: every corner pattern a sound analysis must
cover (all low, all high, alternating, one high among lows) and uniform
random samples. wide_x.npy reaches 5, outside the range, for the negative
check.
"""
import numpy as np

LO, HI = -2.0, 3.0
SHAPES = {
    "activations": (8,), "conv": (2, 7, 7), "conv_depthwise": (3, 5, 5),
    "maxpool": (2, 5, 5), "avgpool_pads": (2, 5, 5), "gelu": (6,),
    "globalavgpool": (3, 4, 5), "batchnorm": (3, 2, 2), "gemm": (4,),
    "softmax": (4,), "transpose_concat_pad": (2, 3),
}

rng = np.random.default_rng(7)
for name, shape in SHAPES.items():
    size = int(np.prod(shape))
    corners = [np.full(size, LO), np.full(size, HI),
               np.where(np.arange(size) % 2 == 0, LO, HI),
               np.where(np.arange(size) % 2 == 0, HI, LO)]
    for i in range(min(size, 8)):
        one = np.full(size, LO)
        one[i] = HI
        corners.append(one)
    samples = np.concatenate([np.stack(corners),
                              rng.uniform(LO, HI, (64, size))])
    np.save(f"{name}_x.npy", samples.reshape((-1,) + shape).astype(np.float32))
np.save("wide_x.npy", rng.uniform(LO, 5.0, (16, 4)).astype(np.float32))
