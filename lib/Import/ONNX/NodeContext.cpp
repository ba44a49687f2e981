//===- NodeContext.cpp - what an operator emitter sees --------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "NodeContext.h"
#include "TensorData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

NodeContext::NodeContext(const onnx::NodeProto &node, StringRef displayName,
                         int64_t opset, Location loc, Location errorLoc,
                         OpBuilder &builder, ArrayRef<ValueState *> inputs,
                         ArrayRef<bool> outputIsFinal)
    : node(node), displayName(displayName.str()), opset(opset), loc(loc),
      errorLoc(errorLoc), builder(builder), inputs(inputs),
      outputIsFinal(outputIsFinal), results(node.output_size()) {}

StringRef NodeContext::getOpType() const { return node.op_type(); }

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

StringRef NodeContext::getInputName(unsigned index) const {
  return node.input(index);
}

RankedTensorType NodeContext::getInputType(unsigned index) const {
  const ValueState &state = *inputs[index];
  if (state.value)
    return cast<RankedTensorType>(state.value.getType());
  return cast<RankedTensorType>(state.constant.getType());
}

DenseElementsAttr NodeContext::getConstantInput(unsigned index) const {
  return hasInput(index) ? inputs[index]->constant : DenseElementsAttr();
}

Value NodeContext::getInput(unsigned index) {
  ValueState &state = *inputs[index];
  if (!state.value) {
    // Located at the initializer's (or Constant output's) name.
    Location at = NameLoc::get(builder.getStringAttr(getInputName(index)));
    state.value = arith::ConstantOp::create(builder, at, state.constant);
  }
  return state.value;
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

static const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                            StringRef name) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

bool NodeContext::hasAttr(StringRef name) const {
  return findAttr(node, name) != nullptr;
}

int64_t NodeContext::getInt(StringRef name, int64_t defaultValue) const {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->i() : defaultValue;
}

float NodeContext::getFloat(StringRef name, float defaultValue) const {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->f() : defaultValue;
}

std::string NodeContext::getString(StringRef name,
                                   StringRef defaultValue) const {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->s() : defaultValue.str();
}

SmallVector<int64_t>
NodeContext::getInts(StringRef name, ArrayRef<int64_t> defaultValue) const {
  const onnx::AttributeProto *attr = findAttr(node, name);
  if (!attr)
    return SmallVector<int64_t>(defaultValue);
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

SmallVector<float> NodeContext::getFloats(StringRef name) const {
  const onnx::AttributeProto *attr = findAttr(node, name);
  if (!attr)
    return {};
  return SmallVector<float>(attr->floats().begin(), attr->floats().end());
}

FailureOr<DenseElementsAttr> NodeContext::getTensorAttr(StringRef name) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  assert(attr && "tensor attribute must exist");
  return convertTensor(attr->t(), getContext(), [&] {
    return emitError(errorLoc)
           << "in attribute '" << name << "' of node '" << displayName << "': ";
  });
}

//===----------------------------------------------------------------------===//
// Results
//===----------------------------------------------------------------------===//

void NodeContext::setResult(unsigned index, Value value) {
  results[index] = ValueState{value, {}};
}

void NodeContext::setConstantResult(unsigned index, DenseElementsAttr data) {
  results[index] = ValueState{{}, data};
}

void NodeContext::forwardInput(unsigned input, unsigned index) {
  results[index] = *inputs[input];
}

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

LogicalResult NodeContext::fail(const Twine &message) {
  return emitError(errorLoc)
         << message << " (node '" << displayName << "', opset " << opset << ")";
}

void NodeContext::warn(const Twine &message) {
  emitWarning(errorLoc) << message << " (node '" << displayName << "', opset "
                        << opset << ")";
}

LogicalResult NodeContext::failAttr(StringRef attr, const Twine &value,
                                    const Twine &reason) {
  return fail("unsupported value " + value + " of attribute '" + attr +
              "' of ONNX operator '" + getOpType() + "': " + reason);
}

LogicalResult NodeContext::requireRank(unsigned index, int64_t rank) {
  int64_t actual = getInputType(index).getRank();
  if (actual == rank)
    return success();
  return fail(getOpType() + " input '" + getInputName(index) + "' has rank " +
              Twine(actual) + "; the importer supports rank " + Twine(rank));
}

LogicalResult NodeContext::requireConstant(unsigned index, StringRef role) {
  if (getConstantInput(index))
    return success();
  return fail(getOpType() + " input '" + getInputName(index) + "' (" + role +
              ") must be a constant (an initializer or a Constant node)");
}

Value mlir::qfhe::onnx_import::getReshapedInput(NodeContext &ctx,
                                                unsigned index,
                                                ArrayRef<int64_t> shape) {
  RankedTensorType type = ctx.getInputType(index);
  if (type.getShape() == shape)
    return ctx.getInput(index);
  if (DenseElementsAttr data = ctx.getConstantInput(index))
    return arith::ConstantOp::create(ctx.getBuilder(), ctx.getLoc(),
                                     data.reshape(type.clone(shape)));
  return buildReshape(ctx.getBuilder(), ctx.getLoc(), ctx.getInput(index),
                      shape);
}
