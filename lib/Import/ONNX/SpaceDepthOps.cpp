//===- SpaceDepthOps.cpp - DepthToSpace and SpaceToDepth ------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// PyTorch's F.pixel_shuffle (DepthToSpace, mode CRD) and F.pixel_unshuffle
// (SpaceToDepth), and DepthToSpace's DCR mode: data movement, a reshape to
// six dimensions, a `linalg.transpose` and a reshape back to NCHW, as the
// ONNX specification defines them.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

/// Reshapes input 0 to `split`, transposes it by `permutation` and reshapes
/// the result to `result`.
LogicalResult emitRearranged(NodeContext &ctx, ArrayRef<int64_t> split,
                             ArrayRef<int64_t> permutation,
                             ArrayRef<int64_t> result) {
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  Value value = buildReshape(builder, loc, ctx.getInput(0), split);
  value = buildTranspose(builder, loc, value, permutation);
  ctx.setResult(0, buildReshape(builder, loc, value, result));
  return success();
}

/// The block size, checked against the NCHW input: its square divides the
/// channels (`toSpace`, DepthToSpace), or it divides the height and the
/// width (SpaceToDepth).
FailureOr<int64_t> getBlockSize(NodeContext &ctx, bool toSpace) {
  RankedTensorType type = ctx.getInputType(0);
  if (type.getRank() != 4)
    return ctx.fail(ctx.getOpType() + " input '" + ctx.getInputName(0) +
                    "' has rank " + Twine(type.getRank()) +
                    "; expected 4 (N, C, H, W)");
  int64_t block = ctx.getInt("blocksize", 0);
  ArrayRef<int64_t> shape = type.getShape();
  bool divides = block > 0 && block <= kMaxElements &&
                 (toSpace ? shape[1] % (block * block) == 0
                          : shape[2] % block == 0 && shape[3] % block == 0);
  if (!divides)
    return ctx.failAttr(
        "blocksize", Twine(block),
        toSpace ? "its square must divide the " + Twine(shape[1]) + " channels"
                : "it must divide the height " + Twine(shape[2]) +
                      " and the width " + Twine(shape[3]));
  return block;
}

/// DepthToSpace: blocks of b x b channels become b x b pixels.
LogicalResult emitDepthToSpace(NodeContext &ctx) {
  FailureOr<int64_t> block = getBlockSize(ctx, /*toSpace=*/true);
  if (failed(block))
    return failure();
  int64_t b = *block;
  ArrayRef<int64_t> s = ctx.getInputType(0).getShape();
  int64_t n = s[0], c = s[1] / (b * b), h = s[2], w = s[3];
  SmallVector<int64_t> result{n, c, h * b, w * b};
  std::string mode = ctx.getString("mode", "DCR");
  if (mode == "DCR")
    return emitRearranged(ctx, {n, b, b, c, h, w}, {0, 3, 4, 1, 5, 2}, result);
  if (mode == "CRD")
    return emitRearranged(ctx, {n, c, b, b, h, w}, {0, 1, 4, 2, 5, 3}, result);
  return ctx.failAttr("mode", "'" + mode + "'", "expected DCR or CRD");
}

/// SpaceToDepth: blocks of b x b pixels become b x b channels.
LogicalResult emitSpaceToDepth(NodeContext &ctx) {
  FailureOr<int64_t> block = getBlockSize(ctx, /*toSpace=*/false);
  if (failed(block))
    return failure();
  int64_t b = *block;
  ArrayRef<int64_t> s = ctx.getInputType(0).getShape();
  int64_t n = s[0], c = s[1], h = s[2] / b, w = s[3] / b;
  return emitRearranged(ctx, {n, c, h, b, w, b}, {0, 3, 5, 1, 2, 4},
                        {n, c * b * b, h, w});
}

} // namespace

void mlir::qfhe::onnx_import::addSpaceDepthOps(OpTable &table) {
  table["DepthToSpace"] = {
      emitDepthToSpace,
      1,
      1,
      1,
      {{"blocksize", AttrKind::Int}, {"mode", AttrKind::String}},
      {0}};
  table["SpaceToDepth"] = {
      emitSpaceToDepth, 1, 1, 1, {{"blocksize", AttrKind::Int}}, {0}};
}
