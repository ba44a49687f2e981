#!/usr/bin/env python3
"""Writes the inputs of the test/Transforms suites (not run by tests).

mlp3_x.npy: 64 samples of 3 features, uniform in [-1.2, 1.2] (the tests'
declared range is [-1, 127/128], so some samples are clamped by the
quantizer).
"""
import numpy as np

rng = np.random.default_rng(0)
np.save("mlp3_x.npy", rng.uniform(-1.2, 1.2, (64, 3)).astype(np.float32))

# dense16_x.npy: 64 samples of 16 features, uniform in [-0.1, 1.1] (the
# declared range is [0, 1]).
np.save("dense16_x.npy", rng.uniform(-0.1, 1.1, (64, 16)).astype(np.float32))

# tosa_cnn_x.npy, nhwc_x.npy: channels-last images inside the declared
# ranges ([0, 1] and [-1, 1]).
np.save("tosa_cnn_x.npy", rng.uniform(0, 1, (32, 6, 6, 2)).astype(np.float32))
np.save("nhwc_x.npy", rng.uniform(-1, 1, (32, 5, 5, 2)).astype(np.float32))

# products_x.npy, products_y.npy: every pair of a 4-bit x in [-1, 0.875]
# (scale 1/8) and a 3-bit y in [-0.5, 1.25] (scale 1/4, zero point 2), row
# i holding x_i and the eight y, then two rows beyond both ranges (clamped).
x = [[-1 + 0.125 * i] * 8 for i in range(16)] + [[-3.0] * 8, [3.0] * 8]
y = [[(j - 2) * 0.25 for j in range(8)] for _ in range(16)]
y += [[3.0] * 8, [-3.0] * 8]
np.save("products_x.npy", np.array(x, dtype=np.float32))
np.save("products_y.npy", np.array(y, dtype=np.float32))
# products_wide_x.npy, products_wide_y.npy: 64 samples of 8 features over
# (and a little beyond) the 8-bit operands' ranges [-1, 1] and [0, 2].
np.save("products_wide_x.npy",
        rng.uniform(-1.1, 1.1, (64, 8)).astype(np.float32))
np.save("products_wide_y.npy",
        rng.uniform(-0.1, 2.1, (64, 8)).astype(np.float32))
# products_exact_x.npy, products_exact_y.npy: every pair of two 7-bit
# factors in [0, 1] (scale 1/127), 8 pairs a row.
pairs = np.array([(a, b) for a in range(128) for b in range(128)],
                 dtype=np.float64) / 127
np.save("products_exact_x.npy", pairs[:, 0].reshape(-1, 8).astype(np.float32))
np.save("products_exact_y.npy", pairs[:, 1].reshape(-1, 8).astype(np.float32))
# pairs_x.npy, pairs_y.npy: every pair of a 4-bit x in [0, 1.5] (scale 0.1)
# and a 4-bit y in [-1.4, 1.6] (scale 0.2, zero point -1), row i holding
# x_i and the sixteen y, then two rows beyond both ranges (clamped).
x = [[0.1 * i] * 16 for i in range(16)] + [[-3.0] * 16, [3.0] * 16]
y = [[(j - 7) * 0.2 for j in range(16)] for _ in range(16)]
y += [[3.0] * 16, [-3.0] * 16]
np.save("pairs_x.npy", np.array(x, dtype=np.float32))
np.save("pairs_y.npy", np.array(y, dtype=np.float32))
# tensor_pairs_a.npy, tensor_pairs_b.npy, tensor_pairs_s.npy: 64 samples
# of 8 features, a in [-1, 1] and b in [0.5, 2], and of one divisor s in
# [0.5, 2] (the declared ranges of normalize-tensor-pairs.mlir).
pairs_rng = np.random.default_rng(1)
np.save("tensor_pairs_a.npy",
        pairs_rng.uniform(-1, 1, (64, 8)).astype(np.float32))
np.save("tensor_pairs_b.npy",
        pairs_rng.uniform(0.5, 2, (64, 8)).astype(np.float32))
np.save("tensor_pairs_s.npy",
        pairs_rng.uniform(0.5, 2, (64, 1)).astype(np.float32))

# split-sums.mlir: the three sums' inputs (64 samples).
np.save("split_sums_a.npy",
        rng.uniform(-1, 2, (64, 2, 256)).astype(np.float32))
np.save("split_sums_b.npy",
        rng.uniform(-1, 1, (64, 3, 4, 8)).astype(np.float32))
np.save("split_sums_c.npy", rng.uniform(0, 1, (64, 300)).astype(np.float32))
