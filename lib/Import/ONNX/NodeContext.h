//===- NodeContext.h - what an operator emitter sees ------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The interface between the graph importer and the per-operator emitters:
// a NodeContext gives an emitter the node's inputs (SSA values or constant
// data), its attributes (already checked against the operator's table), a
// builder positioned at the node, and error reporting that names the node.
// Emitters never see the ONNX protobuf classes.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_IMPORT_ONNX_NODECONTEXT_H
#define QFHE_LIB_IMPORT_ONNX_NODECONTEXT_H

#include "Builders.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>

namespace onnx {
class NodeProto;
} // namespace onnx

namespace mlir {
namespace qfhe {
namespace onnx_import {

/// What the importer knows about one ONNX value: the SSA value once it
/// exists, and the data when it is known at import time (initializers,
/// Constant nodes and shape operations on them). A constant gets its SSA
/// value (`arith.constant`) at its first use as a tensor.
struct ValueState {
  Value value;
  DenseElementsAttr constant;
};

/// The kinds of ONNX attributes an operator table entry can ask for.
enum class AttrKind { Int, Float, String, Ints, Floats, Tensor };

/// One attribute an operator accepts.
struct AttrSpec {
  StringRef name;
  AttrKind kind;
};

/// One node being imported.
class NodeContext {
public:
  /// `loc` locates the ops the node becomes; `errorLoc` its diagnostics.
  NodeContext(const onnx::NodeProto &node, StringRef displayName, int64_t opset,
              Location loc, Location errorLoc, OpBuilder &builder,
              ArrayRef<ValueState *> inputs, ArrayRef<bool> outputIsFinal);

  StringRef getOpType() const;
  /// The node's name, or `#<index>` when it has none.
  StringRef getDisplayName() const { return displayName; }
  /// The version of the default ONNX domain the model imports.
  int64_t getOpset() const { return opset; }
  /// Where the node's ops are: the node's name.
  Location getLoc() const { return loc; }
  /// Where the node's diagnostics point: its name in the model file.
  Location getErrorLoc() const { return errorLoc; }
  OpBuilder &getBuilder() { return builder; }
  MLIRContext *getContext() { return builder.getContext(); }

  //===--------------------------------------------------------------------===//
  // Inputs
  //===--------------------------------------------------------------------===//

  /// Number of inputs the node lists, absent optional ones included.
  unsigned getNumInputs() const { return inputs.size(); }
  /// True when input `index` is listed with a non-empty name.
  bool hasInput(unsigned index) const {
    return index < inputs.size() && inputs[index];
  }
  /// The ONNX name of input `index`.
  StringRef getInputName(unsigned index) const;
  /// The type of input `index` (a ranked tensor).
  RankedTensorType getInputType(unsigned index) const;
  /// The data of input `index` when known at import time, else null.
  DenseElementsAttr getConstantInput(unsigned index) const;
  /// The SSA value of input `index`; materializes constant data as
  /// `arith.constant` at its first use.
  Value getInput(unsigned index);

  //===--------------------------------------------------------------------===//
  // Attributes (their types are checked before the emitter runs)
  //===--------------------------------------------------------------------===//

  bool hasAttr(StringRef name) const;
  int64_t getInt(StringRef name, int64_t defaultValue) const;
  float getFloat(StringRef name, float defaultValue) const;
  std::string getString(StringRef name, StringRef defaultValue) const;
  /// The list attribute `name`, or `defaultValue` when it is absent.
  SmallVector<int64_t> getInts(StringRef name,
                               ArrayRef<int64_t> defaultValue = {}) const;
  SmallVector<float> getFloats(StringRef name) const;
  /// The tensor attribute `name` as dense elements; reports unsupported data.
  FailureOr<DenseElementsAttr> getTensorAttr(StringRef name);

  //===--------------------------------------------------------------------===//
  // Results
  //===--------------------------------------------------------------------===//

  /// Defines output `index` as `value`.
  void setResult(unsigned index, Value value);
  /// Defines output `index` as data known at import time.
  void setConstantResult(unsigned index, DenseElementsAttr data);
  /// Defines output `index` as the same value as input `input` (Identity).
  void forwardInput(unsigned input, unsigned index = 0);
  /// Number of outputs the node lists.
  unsigned getNumOutputs() const { return results.size(); }
  /// True when output `index` is a graph output that no node consumes.
  bool isFinalOutput(unsigned index) const {
    return index < outputIsFinal.size() && outputIsFinal[index];
  }
  /// The states the emitter defined, one per output (null when undefined).
  ArrayRef<std::optional<ValueState>> getResults() const { return results; }

  //===--------------------------------------------------------------------===//
  // Diagnostics
  //===--------------------------------------------------------------------===//

  /// Reports `message` at the node, followed by the node's name and the
  /// opset, and returns failure.
  LogicalResult fail(const Twine &message);
  /// Emits a warning at the node, naming it like fail.
  void warn(const Twine &message);
  /// Reports an attribute value the importer does not support.
  LogicalResult failAttr(StringRef attr, const Twine &value,
                         const Twine &reason);

  /// Checks that the ranked input `index` has rank `rank`.
  LogicalResult requireRank(unsigned index, int64_t rank);
  /// Checks that input `index` is known at import time.
  LogicalResult requireConstant(unsigned index, StringRef role);

private:
  const onnx::NodeProto &node;
  std::string displayName;
  int64_t opset;
  Location loc;
  Location errorLoc;
  OpBuilder &builder;
  SmallVector<ValueState *> inputs;
  SmallVector<bool> outputIsFinal;
  SmallVector<std::optional<ValueState>> results;
};

/// Emits the MLIR of one node from its context; reports through `fail`.
using EmitFn = LogicalResult (*)(NodeContext &);

/// How the importer handles one ONNX operator.
struct OpSpec {
  EmitFn emit;
  /// Inputs the operator takes (optional ones counted in `maxInputs`).
  unsigned minInputs;
  unsigned maxInputs;
  /// Outputs the emitter defines; further outputs must be unused.
  unsigned numOutputs;
  /// Attributes the operator accepts, with their types; any other attribute
  /// is reported.
  SmallVector<AttrSpec> attributes;
  /// Inputs that must be float32 tensors.
  SmallVector<unsigned> floatInputs;
};

/// The supported operators by type (default domain).
using OpTable = llvm::StringMap<OpSpec>;

/// Gemm, MatMul.
void addLinearOps(OpTable &table);
/// Conv.
void addConvOps(OpTable &table);
/// AveragePool, MaxPool, GlobalAveragePool.
void addPoolOps(OpTable &table);
/// Add, Sub, Mul, Div and the activations.
void addElementwiseOps(OpTable &table);
/// HardSigmoid, HardSwish, Elu, Selu, Celu, Softplus, Softsign,
/// ThresholdedRelu, Abs, Neg, Exp, Log, Sqrt, Reciprocal, Floor, Ceil, Round,
/// Sign, Sin, Cos, PRelu, Dropout.
void addActivationOps(OpTable &table);
/// Pow (constant exponent), Min, Max, Sum, Mean.
void addArithmeticOps(OpTable &table);
/// Greater, Less, GreaterOrEqual, LessOrEqual, Equal, Not, And, Or, Xor,
/// Where.
void addLogicOps(OpTable &table);
/// ReduceSum, ReduceMean, ReduceSumSquare, ReduceL2, ReduceMax, ReduceMin,
/// GlobalMaxPool.
void addReduceOps(OpTable &table);
/// Slice, Split.
void addSliceOps(OpTable &table);
/// BatchNormalization, InstanceNormalization, LayerNormalization, Softmax,
/// LogSoftmax.
void addNormalizationOps(OpTable &table);
/// Flatten, Reshape, Squeeze, Unsqueeze, Transpose, Concat, Pad, Identity,
/// Constant, Shape, Gather.
void addShapeOps(OpTable &table);
/// ConstantOfShape, Expand, Tile.
void addExpandOps(OpTable &table);
/// DepthToSpace, SpaceToDepth.
void addSpaceDepthOps(OpTable &table);
/// QuantizeLinear, DequantizeLinear, Cast of quantized integers.
void addQuantOps(OpTable &table);
/// QLinearMatMul, QLinearConv, MatMulInteger, ConvInteger.
void addQLinearOps(OpTable &table);

/// Defines output 0 as the `i1` input 0 as float32 (1.0 or 0.0): Cast of
/// booleans.
LogicalResult emitBooleanToFloat(NodeContext &ctx);

/// Every supported operator.
const OpTable &getOpTable();

/// The scalar computation of an elementwise operator on one f32 element.
using ScalarFn = function_ref<Value(OpBuilder &, Location, Value)>;
/// Defines output 0 as `body` applied to each element of input 0 (one
/// `linalg.generic`, same shape, f32).
LogicalResult emitUnary(NodeContext &ctx, ScalarFn body);

/// Input `index` reshaped to `shape` (same element count): on the data when
/// it is constant, else by `buildReshape`.
Value getReshapedInput(NodeContext &ctx, unsigned index,
                       ArrayRef<int64_t> shape);

/// The element type an elementwise node requires of an input.
enum class InputKind {
  /// A float32 tensor.
  Float32,
  /// An `i1` tensor, or constant `ui8` data (ONNX BOOL as the importer reads
  /// it), read as `i1`.
  Boolean,
};
/// Defines output 0 as `body` applied to the node's inputs broadcast
/// numpy-style (one `linalg.generic`), with elements of type `element`.
/// Input i must be of `kinds[i]`; a wrong element type or shapes that do not
/// broadcast are errors naming the input or the shapes.
LogicalResult emitBroadcast(NodeContext &ctx, ArrayRef<InputKind> kinds,
                            Type element, BodyFn body);

} // namespace onnx_import
} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_IMPORT_ONNX_NODECONTEXT_H
