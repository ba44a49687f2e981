"""Random small integer programs for the verifier's property test.

A program is one function of one encrypted argument, `tensor<1x...xiA>`,
and a chain of the integer level's ops at random widths: matmuls (plain,
with transposing indexing maps, with the constant on the left, as generic
bodies with signed or unsigned extensions), convolutions (padded, strided,
depthwise), sum and max pooling, sums of encrypted values, sum reductions,
lookups (per tensor or per channel), roundings, reshapes. Weights and inits
are constants (fills, broadcast vectors, constant tensors, constants reduced
modulo 2^N as the lowering stores them). Accumulator widths come from a
rough estimate of the range, plus or minus a bit or two, so that some
programs fit and some overflow.

The generator is deterministic for a given random.Random.
"""

import random

TLU_BITS = 8


def signed_range(bits):
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def bits_of(lo, hi):
    """Fewest two's-complement bits holding [lo, hi]."""
    bits = 1
    while not (signed_range(bits)[0] <= lo and hi <= signed_range(bits)[1]):
        bits += 1
    return bits


def wrap(value, bits):
    """`value` modulo 2^bits, in [-2^(bits-1), 2^(bits-1))."""
    low, _ = signed_range(bits)
    return (value - low) % (1 << bits) + low


def tensor(shape, bits):
    return "tensor<%sxi%d>" % ("x".join(str(n) for n in shape), bits)


def dense(values, shape):
    """A dense literal of nested lists for `values` (flat, row-major)."""
    def nest(flat, dims):
        if not dims:
            return str(flat[0])
        step = len(flat) // dims[0]
        return "[" + ", ".join(nest(flat[i * step:(i + 1) * step], dims[1:])
                               for i in range(dims[0])) + "]"
    if not shape:
        return str(values[0])
    return nest(values, list(shape))


def product(shape):
    n = 1
    for d in shape:
        n *= d
    return n


class Value:
    """An SSA value: name, shape, element width, estimated range."""

    def __init__(self, name, shape, bits, lo, hi):
        self.name, self.shape, self.bits, self.lo, self.hi = (
            name, list(shape), bits, lo, hi)

    @property
    def type(self):
        return tensor(self.shape, self.bits)


class Program:
    def __init__(self, rng, index):
        self.rng = rng
        self.lines = []
        self.count = 0
        self.index = index
        # The first linear layer's weights per output, to build the inputs
        # that reach its extremes.
        self.first_weights = None
        self.ops = []

    def fresh(self, hint="v"):
        self.count += 1
        return "%%%s%d" % (hint, self.count)

    def emit(self, line):
        self.lines.append("  " + line)

    def constant(self, values, shape, bits):
        name = self.fresh("c")
        self.emit("%s = arith.constant dense<%s> : %s" %
                  (name, dense(values, shape), tensor(shape, bits)))
        return name

    def random_weights(self, count):
        bits = self.rng.randint(2, 5)
        lo, hi = signed_range(bits)
        return [self.rng.randint(lo, hi) for _ in range(count)], bits

    # --- accumulator widths and inits -------------------------------------

    def choose_width(self, lo, hi):
        need = bits_of(lo, hi)
        delta = self.rng.choice([-2, -1, 0, 0, 0, 0, 1, 1, 2])
        return max(2, min(24, need + delta))

    def init(self, shape, axis, bits, channels):
        """An init of `shape` in `bits` bits, constant along `axis` per
        channel: returns (name, per-channel values as the program holds
        them)."""
        kind = self.rng.choice(["zero", "fill", "broadcast", "tensor",
                                "wrapped"])
        lo, hi = signed_range(bits)
        small = max(1, hi // 4)
        if kind == "zero":
            values = [0] * channels
        elif kind == "wrapped":
            # A constant the program holds modulo 2^N (as the lowering
            # stores beta): the exact sum then lies in another window.
            values = [wrap(self.rng.randint(-4 * (hi + 1), 4 * (hi + 1)), bits)
                      for _ in range(channels)]
        else:
            values = [self.rng.randint(-small, small) for _ in range(channels)]
        if kind in ("zero", "fill") or channels == 1:
            values = [values[0]] * channels
            scalar = self.fresh("s")
            self.emit("%s = arith.constant %d : i%d" % (scalar, values[0], bits))
            empty = self.fresh("e")
            self.emit("%s = tensor.empty() : %s" % (empty, tensor(shape, bits)))
            name = self.fresh("f")
            self.emit("%s = linalg.fill ins(%s : i%d) outs(%s : %s) -> %s" % (
                name, scalar, bits, empty, tensor(shape, bits),
                tensor(shape, bits)))
            return name, values
        if kind == "tensor":
            # A constant tensor init, element by element.
            flat = []
            for index in range(product(shape)):
                stride = product(shape[axis + 1:])
                flat.append(values[(index // stride) % shape[axis]])
            return self.constant(flat, shape, bits), values
        vector = self.constant(values, [channels], bits)
        empty = self.fresh("e")
        self.emit("%s = tensor.empty() : %s" % (empty, tensor(shape, bits)))
        name = self.fresh("b")
        dims = ", ".join(str(d) for d in range(len(shape)) if d != axis)
        self.emit("%s = linalg.broadcast ins(%s : %s) outs(%s : %s) "
                  "dimensions = [%s]" % (name, vector,
                                         tensor([channels], bits), empty,
                                         tensor(shape, bits), dims))
        return name, values

    # --- layers on [1, K] ------------------------------------------------

    def matmul(self, x):
        k = x.shape[1]
        n = self.rng.randint(1, 5)
        weights, wbits = self.random_weights(k * n)
        w = lambda kk, nn: weights[kk * n + nn]
        variant = self.rng.choice(["named", "named", "transposed", "left",
                                   "generic", "unsigned"])
        if variant == "unsigned" and x is self.input:
            # quant-run stores narrow integer arguments sign-extended in
            # their bytes, where LLVM assumes zero-extended bits: an
            # unsigned read of an argument narrower than its byte is
            # miscompiled (values the program computes are stored right).
            variant = "generic"
        xlo, xhi = x.lo, x.hi
        if variant == "unsigned":
            # extui reads the bits of x unsigned.
            if xlo < 0 <= xhi:
                xlo, xhi = 0, (1 << x.bits) - 1
            elif xhi < 0:
                xlo, xhi = xlo + (1 << x.bits), xhi + (1 << x.bits)
        sums = []
        for nn in range(n):
            lo = sum(min(w(kk, nn) * xlo, w(kk, nn) * xhi) for kk in range(k))
            hi = sum(max(w(kk, nn) * xlo, w(kk, nn) * xhi) for kk in range(k))
            sums.append((lo, hi))
        slo, shi = min(s[0] for s in sums), max(s[1] for s in sums)
        bits = self.choose_width(slo, shi)
        if self.first_weights is None and variant != "unsigned":
            self.first_weights = [[w(kk, nn) for kk in range(k)]
                                  for nn in range(n)]
        self.ops.append("matmul/" + variant)
        if variant == "left":
            return self.matmul_left(x, weights, wbits, n, bits, slo, shi)
        out_shape = [1, n]
        init, values = self.init(out_shape, 1, bits, n)
        result = self.fresh("m")
        if variant in ("named", "transposed"):
            if variant == "named":
                wname = self.constant(weights, [k, n], wbits)
                maps = ""
                wtype = tensor([k, n], wbits)
            else:
                stored = [w(kk, nn) for nn in range(n) for kk in range(k)]
                wname = self.constant(stored, [n, k], wbits)
                maps = ("indexing_maps = [affine_map<(m, n, k) -> (m, k)>, "
                        "affine_map<(m, n, k) -> (n, k)>, "
                        "affine_map<(m, n, k) -> (m, n)>] ")
                wtype = tensor([n, k], wbits)
            self.emit("%s = linalg.matmul %sins(%s, %s : %s, %s) outs(%s : %s)"
                      " -> %s" % (result, maps, x.name, wname, x.type, wtype,
                                  init, tensor(out_shape, bits),
                                  tensor(out_shape, bits)))
        else:
            wname = self.constant(weights, [k, n], wbits)
            ext = "arith.extui" if variant == "unsigned" else "arith.extsi"
            self.emit("%s = linalg.generic {indexing_maps = [affine_map<(d0, "
                      "d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, "
                      "d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], "
                      "iterator_types = [\"parallel\", \"parallel\", "
                      "\"reduction\"]} ins(%s, %s : %s, %s) outs(%s : %s) {" % (
                          result, x.name, wname, x.type, tensor([k, n], wbits),
                          init, tensor(out_shape, bits)))
            self.emit("^bb0(%%a: i%d, %%b: i%d, %%o: i%d):" % (x.bits, wbits,
                                                            bits))
            xa = self.cast(ext, "%a", x.bits, bits, "%xa")
            xb = self.cast("arith.extsi", "%b", wbits, bits, "%xb")
            self.emit("  %%p = arith.muli %s, %s : i%d" % (xa, xb, bits))
            self.emit("  %%s = arith.addi %%o, %%p : i%d" % bits)
            self.emit("  linalg.yield %%s : i%d" % bits)
            self.emit("} -> %s" % tensor(out_shape, bits))
        lo = slo + min(values)
        hi = shi + max(values)
        return Value(result, out_shape, bits, *self.held(lo, hi, bits))

    def cast(self, ext, name, source, target, out):
        """Emits `out`, `name` brought from `source` to `target` bits (in a
        generic body); returns the name that holds it."""
        if source < target:
            self.emit("  %s = %s %s : i%d to i%d" % (out, ext, name, source,
                                                  target))
        elif source > target:
            self.emit("  %s = arith.trunci %s : i%d to i%d" % (
                out, name, source, target))
        else:
            return name
        return out

    def held(self, lo, hi, bits):
        """The range a sum of exact range [lo, hi] holds in `bits` bits:
        shifted by the multiple of 2^bits nearest the middle, or the whole
        type when it does not fit."""
        low, high = signed_range(bits)
        k = (lo + hi + (1 << bits)) // (1 << (bits + 1))
        lo2, hi2 = lo - k * (1 << bits), hi - k * (1 << bits)
        if low <= lo2 and hi2 <= high:
            return lo2, hi2
        return low, high

    def matmul_left(self, x, weights, wbits, n, bits, slo, shi):
        k = x.shape[1]
        xt = self.fresh("t")
        empty = self.fresh("e")
        self.emit("%s = tensor.empty() : %s" % (empty, tensor([k, 1], x.bits)))
        self.emit("%s = linalg.transpose ins(%s : %s) outs(%s : %s) "
                  "permutation = [1, 0]" % (xt, x.name, x.type, empty,
                                            tensor([k, 1], x.bits)))
        stored = [weights[kk * n + nn] for nn in range(n) for kk in range(k)]
        wname = self.constant(stored, [n, k], wbits)
        init, values = self.init([n, 1], 0, bits, n)
        product_name = self.fresh("m")
        self.emit("%s = linalg.matmul ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
                  % (product_name, wname, xt, tensor([n, k], wbits),
                     tensor([k, 1], x.bits), init, tensor([n, 1], bits),
                     tensor([n, 1], bits)))
        back = self.fresh("t")
        empty = self.fresh("e")
        self.emit("%s = tensor.empty() : %s" % (empty, tensor([1, n], bits)))
        self.emit("%s = linalg.transpose ins(%s : %s) outs(%s : %s) "
                  "permutation = [1, 0]" % (back, product_name,
                                            tensor([n, 1], bits), empty,
                                            tensor([1, n], bits)))
        return Value(back, [1, n], bits,
                     *self.held(slo + min(values), shi + max(values), bits))

    def reduce_sum(self, x):
        k = x.shape[1]
        lo, hi = k * x.lo, k * x.hi
        bits = max(self.choose_width(lo, hi), x.bits)
        init, values = self.init([1], 0, bits, 1)
        result = self.fresh("r")
        self.emit("%s = linalg.generic {indexing_maps = [affine_map<(d0, d1) ->"
                  " (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = "
                  "[\"parallel\", \"reduction\"]} ins(%s : %s) outs(%s : %s) {"
                  % (result, x.name, x.type, init, tensor([1], bits)))
        self.emit("^bb0(%%a: i%d, %%o: i%d):" % (x.bits, bits))
        xa = self.cast("arith.extsi", "%a", x.bits, bits, "%xa")
        self.emit("  %%s = arith.addi %%o, %s : i%d" % (xa, bits))
        self.emit("  linalg.yield %%s : i%d" % bits)
        self.emit("} -> %s" % tensor([1], bits))
        expanded = self.fresh("x")
        self.emit("%s = tensor.expand_shape %s [[0, 1]] output_shape [1, 1] : "
                  "%s into %s" % (expanded, result, tensor([1], bits),
                                  tensor([1, 1], bits)))
        self.ops.append("reduce_sum")
        return Value(expanded, [1, 1], bits,
                     *self.held(lo + values[0], hi + values[0], bits))

    # --- elementwise layers ---------------------------------------------

    def lut(self, x):
        out_bits = self.rng.randint(2, 6)
        lo, hi = signed_range(out_bits)
        entries = 1 << x.bits
        per_channel = self.rng.random() < 0.3 and x.shape[1] > 1
        rows = x.shape[1] if per_channel else 1
        monotone = self.rng.random() < 0.5
        table = []
        for _ in range(rows):
            row = [self.rng.randint(lo, hi) for _ in range(entries)]
            if monotone:
                row.sort()
            table += row
        shape = [rows, entries] if per_channel else [entries]
        result = self.fresh("l")
        axis = "axis = 1 : i64, " if per_channel else ""
        self.emit("%s = qfhe.lut %s {%stable = dense<%s> : %s} : %s -> %s" % (
            result, x.name, axis, dense(table, shape), tensor(shape, out_bits),
            x.type, tensor(x.shape, out_bits)))
        xlo, xhi = signed_range(x.bits)
        reached = [table[r * entries + v - xlo] for r in range(rows)
                   for v in range(max(x.lo, xlo), min(x.hi, xhi) + 1)]
        self.ops.append("lut")
        return Value(result, x.shape, out_bits, min(reached), max(reached))

    def round(self, x):
        drop = self.rng.randint(1, x.bits - 1)
        bits = self.rng.randint(x.bits - drop, x.bits)
        result = self.fresh("q")
        self.emit("%s = qfhe.round %s drop %d : %s -> %s" % (
            result, x.name, drop, x.type, tensor(x.shape, bits)))
        rnd = lambda v: (v + (1 << (drop - 1))) >> drop
        lo, hi = rnd(x.lo), rnd(x.hi)
        low, high = signed_range(bits)
        self.ops.append("round")
        if not (low <= lo and hi <= high):
            lo, hi = low, high
        return Value(result, x.shape, bits, lo, hi)

    def add(self, x):
        """x plus (or minus) a lookup of x, or a constant tensor."""
        other_is_lut = x.bits <= TLU_BITS and self.rng.random() < 0.7
        if other_is_lut:
            y = self.lut(x)
        else:
            bits = self.rng.randint(2, 6)
            values = [self.rng.randint(*signed_range(bits))
                      for _ in range(product(x.shape))]
            y = Value(self.constant(values, x.shape, bits), x.shape, bits,
                      min(values), max(values))
        subtract = self.rng.random() < 0.4
        lo = x.lo - y.hi if subtract else x.lo + y.lo
        hi = x.hi - y.lo if subtract else x.hi + y.hi
        bits = max(self.choose_width(lo, hi), x.bits, y.bits)
        empty = self.fresh("e")
        self.emit("%s = tensor.empty() : %s" % (empty, tensor(x.shape, bits)))
        result = self.fresh("a")
        kind = "sub" if subtract else "add"
        if x.bits == y.bits == bits:
            self.emit("%s = linalg.%s ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
                      % (result, kind, x.name, y.name, x.type, y.type, empty,
                         tensor(x.shape, bits), tensor(x.shape, bits)))
        else:
            # Named elementwise ops need one type: extend in a generic.
            identity = "affine_map<(%s) -> (%s)>" % ((", ".join(
                "d%d" % d for d in range(len(x.shape))),) * 2)
            self.emit("%s = linalg.generic {indexing_maps = [%s, %s, %s], "
                      "iterator_types = [%s]} ins(%s, %s : %s, %s) outs(%s : "
                      "%s) {" % (result, identity, identity, identity,
                                 ", ".join(["\"parallel\""] * len(x.shape)),
                                 x.name, y.name, x.type, y.type, empty,
                                 tensor(x.shape, bits)))
            self.emit("^bb0(%%a: i%d, %%b: i%d, %%o: i%d):" % (x.bits, y.bits,
                                                            bits))
            xa = self.cast("arith.extsi", "%a", x.bits, bits, "%xa")
            xb = self.cast("arith.extsi", "%b", y.bits, bits, "%xb")
            self.emit("  %%r = arith.%si %s, %s : i%d" % (kind, xa, xb, bits))
            self.emit("  linalg.yield %%r : i%d" % bits)
            self.emit("} -> %s" % tensor(x.shape, bits))
        self.ops.append("sub" if subtract else "add")
        return Value(result, x.shape, bits, *self.held(lo, hi, bits))

    # --- layers on [1, C, H, W] ------------------------------------------

    def pad(self, x, amount):
        value = self.rng.randint(*signed_range(x.bits))
        scalar = self.fresh("s")
        self.emit("%s = arith.constant %d : i%d" % (scalar, value, x.bits))
        shape = [1, x.shape[1], x.shape[2] + 2 * amount,
                 x.shape[3] + 2 * amount]
        result = self.fresh("p")
        self.emit("%s = tensor.pad %s low[0, 0, %d, %d] high[0, 0, %d, %d] {"
                  % (result, x.name, amount, amount, amount, amount))
        self.emit("^bb0(%i0: index, %i1: index, %i2: index, %i3: index):")
        self.emit("  tensor.yield %s : i%d" % (scalar, x.bits))
        self.emit("} : %s to %s" % (x.type, tensor(shape, x.bits)))
        return Value(result, shape, x.bits, min(x.lo, value), max(x.hi, value))

    def conv(self, x):
        depthwise = self.rng.random() < 0.3
        padded = self.pad(x, 1) if self.rng.random() < 0.4 else x
        c, h, w = padded.shape[1:]
        kernel = self.rng.randint(1, min(3, h, w))
        stride = self.rng.choice([1, 1, 2])
        oh, ow = (h - kernel) // stride + 1, (w - kernel) // stride + 1
        filters = c if depthwise else self.rng.randint(1, 3)
        per_filter = kernel * kernel * (1 if depthwise else c)
        weights, wbits = self.random_weights(filters * per_filter)
        sums = []
        for f in range(filters):
            ws = weights[f * per_filter:(f + 1) * per_filter]
            sums.append((sum(min(v * padded.lo, v * padded.hi) for v in ws),
                         sum(max(v * padded.lo, v * padded.hi) for v in ws)))
        slo, shi = min(s[0] for s in sums), max(s[1] for s in sums)
        bits = self.choose_width(slo, shi)
        out_shape = [1, filters, oh, ow]
        init, values = self.init(out_shape, 1, bits, filters)
        result = self.fresh("k")
        attrs = ("{dilations = dense<1> : tensor<2xi64>, strides = dense<%d> : "
                 "tensor<2xi64>}" % stride)
        if depthwise:
            wshape = [c, kernel, kernel]
            op = "linalg.depthwise_conv_2d_nchw_chw"
        else:
            wshape = [filters, c, kernel, kernel]
            op = "linalg.conv_2d_nchw_fchw"
        wname = self.constant(weights, wshape, wbits)
        self.emit("%s = %s %s ins(%s, %s : %s, %s) outs(%s : %s) -> %s" % (
            result, op, attrs, padded.name, wname, padded.type,
            tensor(wshape, wbits), init, tensor(out_shape, bits),
            tensor(out_shape, bits)))
        self.ops.append("depthwise" if depthwise else "conv")
        return Value(result, out_shape, bits,
                     *self.held(slo + min(values), shi + max(values), bits))

    def pool(self, x):
        c, h, w = x.shape[1:]
        oh, ow = (h - 2) // 2 + 1, (w - 2) // 2 + 1
        out_shape = [1, c, oh, ow]
        if self.rng.random() < 0.5:
            lo, hi = 4 * x.lo, 4 * x.hi
            bits = max(self.choose_width(lo, hi), 2)
            init, values = self.init(out_shape, 1, bits, c)
            op = "linalg.pooling_nchw_sum"
            lo, hi = self.held(lo + min(values), hi + max(values), bits)
        else:
            bits = x.bits
            floor = self.rng.choice([signed_range(bits)[0], x.lo])
            scalar = self.fresh("s")
            self.emit("%s = arith.constant %d : i%d" % (scalar, floor, bits))
            empty = self.fresh("e")
            self.emit("%s = tensor.empty() : %s" % (empty,
                                                    tensor(out_shape, bits)))
            init = self.fresh("f")
            self.emit("%s = linalg.fill ins(%s : i%d) outs(%s : %s) -> %s" % (
                init, scalar, bits, empty, tensor(out_shape, bits),
                tensor(out_shape, bits)))
            op = "linalg.pooling_nchw_max"
            lo, hi = x.lo, x.hi
        window = self.fresh("w")
        self.emit("%s = tensor.empty() : %s" % (window, tensor([2, 2], bits)))
        result = self.fresh("o")
        self.emit("%s = %s {dilations = dense<1> : tensor<2xi64>, strides = "
                  "dense<2> : tensor<2xi64>} ins(%s, %s : %s, %s) outs(%s : "
                  "%s) -> %s" % (result, op, x.name, window, x.type,
                                 tensor([2, 2], bits), init,
                                 tensor(out_shape, bits),
                                 tensor(out_shape, bits)))
        self.ops.append(op.split(".")[1])
        return Value(result, out_shape, bits, lo, hi)

    def flatten(self, x):
        n = product(x.shape[1:])
        result = self.fresh("z")
        self.emit("%s = tensor.collapse_shape %s [[0], [1, 2, 3]] : %s into %s"
                  % (result, x.name, x.type, tensor([1, n], x.bits)))
        self.ops.append("flatten")
        return Value(result, [1, n], x.bits, x.lo, x.hi)

    # --- the chain -------------------------------------------------------

    def layer(self, x):
        rng = self.rng
        if x.bits > TLU_BITS and rng.random() < 0.6:
            return self.round(x)
        choices = ["round"] if x.bits >= 2 else []
        if x.bits <= TLU_BITS:
            choices += ["lut", "lut"]
        choices += ["add"]
        if len(x.shape) == 2:
            choices += ["matmul", "matmul", "matmul"]
            if x.shape[1] > 1:
                choices += ["reduce_sum"]
        else:
            choices += ["conv", "conv", "flatten"]
            if x.shape[2] >= 2 and x.shape[3] >= 2:
                choices += ["pool"]
        return getattr(self, rng.choice(choices))(x)

    def build(self):
        rng = self.rng
        bits = rng.randint(2, 5)
        if rng.random() < 0.5:
            shape = [1, rng.randint(2, 8)]
        else:
            shape = [1, rng.randint(1, 3), rng.randint(3, 5), rng.randint(3, 5)]
        lo, hi = signed_range(bits)
        declared = ""
        if rng.random() < 0.4:
            lo = rng.randint(lo, hi)
            hi = rng.randint(lo, hi)
            declared = " {qfhe.range = array<i64: %d, %d>}" % (lo, hi)
        x = Value("%x", shape, bits, lo, hi)
        self.input = x
        value = x
        for _ in range(rng.randint(1, 5)):
            value = self.layer(value)
        header = "func.func @main(%%x: %s%s) -> %s {" % (x.type, declared,
                                                       value.type)
        return "\n".join([header] + self.lines +
                         ["  return %s : %s" % (value.name, value.type), "}",
                          ""])

    def samples(self, count):
        """Inputs: the corners, the extremes of the first linear layer's
        outputs, and random values, all inside the declared range."""
        x, rng = self.input, self.rng
        n = product(x.shape[1:])
        rows = [[x.lo] * n, [x.hi] * n,
                [x.lo if i % 2 else x.hi for i in range(n)],
                [x.hi if i % 2 else x.lo for i in range(n)]]
        if self.first_weights and len(x.shape) == 2:
            for column in self.first_weights:
                if len(column) == n:
                    rows.append([x.hi if v > 0 else x.lo for v in column])
                    rows.append([x.lo if v > 0 else x.hi for v in column])
        while len(rows) < count:
            rows.append([rng.randint(x.lo, x.hi) for _ in range(n)])
        return rows[:count]
