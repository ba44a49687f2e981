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
