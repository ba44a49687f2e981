#!/usr/bin/python3
"""Write a synthetic MLP in the importer's form, with calibration data.

    /usr/bin/python3 bench/make_mlp.py SIZES OUT_DIR [--samples N] [--seed S]

SIZES lists the widths from the input to the output, separated by `-`:
`784-64-10` is a 784-input MLP with one hidden layer of 64 and 10 outputs;
`1024x5` is shorthand for `1024-1024-1024-1024-1024` (four 1024x1024
layers, 4.2M parameters). OUT_DIR receives:

  - model.mlir: `func.func @predict(tensor<?xINxf32>) -> tensor<?xOUTxf32>`
    written as `quant-translate --import-onnx` writes a PyTorch MLP
    (dense weight constants in hex, `linalg.matmul` into a zero-filled
    `tensor.empty`, the bias add and the relu as `linalg.generic`, no relu
    after the last layer);
  - calib_x.npy: N samples (default 500) of uint8 pixels, like the model
    suite's images; the model divides them by 255 first, as the importer's
    Fashion-MNIST MLP does.

Weights are He-normal (standard deviation sqrt(2 / fan_in)), biases small,
so that activations keep their scale through the layers. Deterministic for
a seed. Used by bench/compile_time.sh; the large models are generated into
a temporary directory, never committed. Needs numpy.
"""
import argparse
import os
import string

import numpy as np


def parse_sizes(text):
    if "x" in text and "-" not in text:
        width, count = text.split("x")
        return [int(width)] * int(count)
    return [int(size) for size in text.split("-")]


def hex_dense(array):
    array = np.ascontiguousarray(array, dtype="<f4")
    shape = "x".join(str(d) for d in array.shape)
    return 'dense<"0x%s"> : tensor<%sxf32>' % (array.tobytes().hex().upper(),
                                               shape)


def write_model(out, sizes, rng):
    """Writes the MLIR module to the open file `out`, layer by layer (the
    weights of the large models are written as they are drawn)."""
    def w(text, **fields):
        out.write(string.Template(text).substitute(fields))

    w("""#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> ()>
#map2 = affine_map<(d0, d1) -> (d1)>
module {
  func.func @predict(%arg0: tensor<?x${n_in}xf32>) -> tensor<?x${n_out}xf32> {
    %c0 = arith.constant 0 : index
    %zero = arith.constant 0.000000e+00 : f32
    %n = tensor.dim %arg0, %c0 : tensor<?x${n_in}xf32>
    %cst = arith.constant dense<2.550000e+02> : tensor<f32>
    %in0 = tensor.empty(%n) : tensor<?x${n_in}xf32>
    %x0 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0, %cst : tensor<?x${n_in}xf32>, tensor<f32>) outs(%in0 : tensor<?x${n_in}xf32>) {
    ^bb0(%in: f32, %s: f32, %out: f32):
      %r = arith.divf %in, %s : f32
      linalg.yield %r : f32
    } -> tensor<?x${n_in}xf32>
""", n_in=sizes[0], n_out=sizes[-1])
    layers = len(sizes) - 1
    for l in range(layers):
        fan_in, fan_out = sizes[l], sizes[l + 1]
        weights = rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))
        bias = rng.normal(0.0, 0.05, (fan_out,))
        fields = dict(l=l, i=fan_in, o=fan_out, next=l + 1,
                      t_in="tensor<?x%dxf32>" % fan_in,
                      t_out="tensor<?x%dxf32>" % fan_out)
        w("    %w$l = arith.constant ", **fields)
        out.write(hex_dense(weights) + "\n")
        w("    %b$l = arith.constant ", **fields)
        out.write(hex_dense(bias) + "\n")
        w("""    %e$l = tensor.empty(%n) : $t_out
    %f$l = linalg.fill ins(%zero : f32) outs(%e$l : $t_out) -> $t_out
    %m$l = linalg.matmul ins(%x$l, %w$l : $t_in, tensor<${i}x${o}xf32>) outs(%f$l : $t_out) -> $t_out
    %a$l = linalg.generic {indexing_maps = [#map, #map2, #map], iterator_types = ["parallel", "parallel"]} ins(%m$l, %b$l : $t_out, tensor<${o}xf32>) outs(%e$l : $t_out) {
    ^bb0(%in: f32, %b: f32, %out: f32):
      %r = arith.addf %in, %b : f32
      linalg.yield %r : f32
    } -> $t_out
""", **fields)
        if l + 1 < layers:
            w("""    %x$next = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%a$l : $t_out) outs(%e$l : $t_out) {
    ^bb0(%in: f32, %out: f32):
      %r = arith.maximumf %in, %zero : f32
      linalg.yield %r : f32
    } -> $t_out
""", **fields)
    w("""    return %a$l : tensor<?x${o}xf32>
  }
}
""", l=layers - 1, o=sizes[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes")
    parser.add_argument("out_dir")
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sizes = parse_sizes(args.sizes)
    if len(sizes) < 2:
        parser.error("SIZES needs an input and at least one layer")
    os.makedirs(args.out_dir, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    with open(os.path.join(args.out_dir, "model.mlir"), "w") as out:
        write_model(out, sizes, rng)
    # Images: most pixels dark, some bright, as in (Fashion-)MNIST.
    pixels = rng.integers(0, 256, (args.samples, sizes[0]))
    pixels[rng.random((args.samples, sizes[0])) < 0.5] = 0
    np.save(os.path.join(args.out_dir, "calib_x.npy"),
            pixels.astype(np.uint8))
    params = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    print("%s: %d parameters" % ("-".join(map(str, sizes)), params))


if __name__ == "__main__":
    main()
