//===- GraphImporter.cpp - ONNX graph to func.func ------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Walks the graph in order: the inputs become the arguments of
// `func.func @predict`, initializers become constant data, each node is
// checked against its operator's table entry (inputs, attributes, outputs)
// and handed to its emitter, and the graph outputs become the results.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "NodeContext.h"
#include "Shapes.h"
#include "TensorData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "onnx/onnx_pb.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

const OpTable &mlir::qfhe::onnx_import::getOpTable() {
  static const OpTable table = [] {
    OpTable table;
    addLinearOps(table);
    addConvOps(table);
    addPoolOps(table);
    addElementwiseOps(table);
    addActivationOps(table);
    addArithmeticOps(table);
    addLogicOps(table);
    addReduceOps(table);
    addSliceOps(table);
    addNormalizationOps(table);
    addShapeOps(table);
    addExpandOps(table);
    addSpaceDepthOps(table);
    addQuantOps(table);
    addQLinearOps(table);
    return table;
  }();
  return table;
}

namespace {

/// The ONNX attribute type that `kind` stands for.
int getAttributeType(AttrKind kind) {
  switch (kind) {
  case AttrKind::Int:
    return onnx::AttributeProto::INT;
  case AttrKind::Float:
    return onnx::AttributeProto::FLOAT;
  case AttrKind::String:
    return onnx::AttributeProto::STRING;
  case AttrKind::Ints:
    return onnx::AttributeProto::INTS;
  case AttrKind::Floats:
    return onnx::AttributeProto::FLOATS;
  case AttrKind::Tensor:
    return onnx::AttributeProto::TENSOR;
  }
  llvm_unreachable("unknown attribute kind");
}

/// The name of the ONNX attribute type `type`.
std::string getAttributeTypeName(int type) {
  if (onnx::AttributeProto::AttributeType_IsValid(type))
    return onnx::AttributeProto::AttributeType_Name(
        static_cast<onnx::AttributeProto::AttributeType>(type));
  return std::to_string(type);
}

class GraphImporter {
public:
  GraphImporter(MLIRContext *context, const onnx::ModelProto &model,
                int64_t opset, Location fileLoc)
      : context(context), model(model), graph(model.graph()), opset(opset),
        fileLoc(fileLoc), builder(context) {}

  OwningOpRef<ModuleOp> run();

private:
  /// The name a node goes by in messages and locations.
  std::string getDisplayName(const onnx::NodeProto &node, size_t index) const;
  /// The table entry of `node`, or null for an unsupported operator.
  const OpSpec *lookup(const onnx::NodeProto &node) const;
  /// Reports every node whose operator is unsupported.
  LogicalResult checkOperators();
  /// Reads the type of graph input `input` (float, batch-only dynamic).
  FailureOr<RankedTensorType> getInputType(const onnx::ValueInfoProto &input);
  LogicalResult importInputs(func::FuncOp func);
  /// The state of the value `name`, converting an initializer on first use;
  /// null (after reporting) when it is undefined or cannot be converted.
  ValueState *resolve(StringRef name, Location loc, StringRef user);
  LogicalResult checkNode(const onnx::NodeProto &node, const OpSpec &spec,
                          Location loc, StringRef name);
  LogicalResult importNode(const onnx::NodeProto &node, size_t index);
  LogicalResult importOutputs(func::FuncOp func);

  MLIRContext *context;
  const onnx::ModelProto &model;
  const onnx::GraphProto &graph;
  int64_t opset;
  Location fileLoc;
  OpBuilder builder;

  llvm::StringMap<ValueState> values;
  llvm::StringMap<const onnx::TensorProto *> initializers;
  /// How many node inputs read each value.
  llvm::StringMap<unsigned> uses;
  llvm::StringSet<> graphOutputs;
};

} // namespace

std::string GraphImporter::getDisplayName(const onnx::NodeProto &node,
                                          size_t index) const {
  if (!node.name().empty())
    return node.name();
  return "#" + std::to_string(index);
}

const OpSpec *GraphImporter::lookup(const onnx::NodeProto &node) const {
  StringRef domain = node.domain();
  // Gelu also comes from onnxruntime's fusions, in the com.microsoft domain.
  bool supportedDomain =
      domain.empty() || domain == "ai.onnx" ||
      (domain == "com.microsoft" && node.op_type() == "Gelu");
  if (!supportedDomain)
    return nullptr;
  auto it = getOpTable().find(node.op_type());
  return it == getOpTable().end() ? nullptr : &it->second;
}

LogicalResult GraphImporter::checkOperators() {
  bool ok = true;
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    if (lookup(node))
      continue;
    std::string name = getDisplayName(node, index);
    std::string opType = node.op_type();
    if (!node.domain().empty())
      opType = node.domain() + "." + opType;
    emitError(NameLoc::get(StringAttr::get(context, name), fileLoc))
        << "unsupported ONNX operator '" << opType << "' (node '" << name
        << "', opset " << opset << ")";
    ok = false;
  }
  return success(ok);
}

FailureOr<RankedTensorType>
GraphImporter::getInputType(const onnx::ValueInfoProto &input) {
  auto fail = [&]() {
    return emitError(fileLoc) << "graph input '" << input.name() << "' ";
  };
  if (!input.type().has_tensor_type())
    return fail() << "is not a tensor";
  const onnx::TypeProto::Tensor &tensor = input.type().tensor_type();
  if (tensor.elem_type() != onnx::TensorProto::FLOAT)
    return fail() << "has element type " << getDataTypeName(tensor.elem_type())
                  << "; the importer supports float32 inputs";
  if (!tensor.has_shape())
    return fail() << "has no shape; the importer needs static shapes (the "
                     "batch dimension excepted)";
  SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(tensor.shape().dim())) {
    bool known = dim.has_dim_value() && dim.dim_value() >= 0;
    if (known && dim.dim_value() == 0)
      return fail() << "has an empty dimension " << i;
    if (known) {
      shape.push_back(dim.dim_value());
      continue;
    }
    if (i != 0) {
      InFlightDiagnostic diag = fail() << "has a dynamic dimension " << i;
      if (dim.has_dim_param())
        diag << " ('" << dim.dim_param() << "')";
      return diag << "; only the first (batch) dimension may be dynamic";
    }
    shape.push_back(ShapedType::kDynamic);
  }
  if (getStaticProduct(shape) > kMaxElements)
    return fail() << "has shape " << formatShape(shape) << ", more than the "
                  << kMaxElements
                  << " elements per sample the importer accepts";
  return RankedTensorType::get(shape, builder.getF32Type());
}

LogicalResult GraphImporter::importInputs(func::FuncOp func) {
  SmallVector<Type> types;
  SmallVector<StringRef> names;
  // Graph inputs that name an initializer (models before IR version 4 list
  // them) are constants, not arguments.
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (initializers.count(input.name()))
      continue;
    if (values.count(input.name()))
      return emitError(fileLoc)
             << "graph input '" << input.name() << "' is listed twice";
    FailureOr<RankedTensorType> type = getInputType(input);
    if (failed(type))
      return failure();
    types.push_back(*type);
    names.push_back(input.name());
    values[input.name()] = ValueState{};
  }

  // Inputs with a dynamic batch must agree on its symbolic name, if any.
  std::optional<std::pair<std::string, std::string>> batch;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (initializers.count(input.name()) ||
        !input.type().tensor_type().shape().dim_size())
      continue;
    const auto &dim = input.type().tensor_type().shape().dim(0);
    if (!dim.has_dim_param())
      continue;
    if (batch && batch->second != dim.dim_param())
      return emitError(fileLoc)
             << "graph inputs '" << batch->first << "' and '" << input.name()
             << "' have different dynamic batch dimensions ('" << batch->second
             << "' and '" << dim.dim_param() << "')";
    batch = {input.name(), dim.dim_param()};
  }

  func.setType(FunctionType::get(context, types, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(names)) {
    func.setArgAttr(i, "onnx.name", builder.getStringAttr(name));
    BlockArgument argument = entry->getArgument(i);
    argument.setLoc(NameLoc::get(builder.getStringAttr(name)));
    values[name].value = argument;
  }
  builder.setInsertionPointToEnd(entry);
  return success();
}

ValueState *GraphImporter::resolve(StringRef name, Location loc,
                                   StringRef user) {
  auto it = values.find(name);
  if (it != values.end())
    return &it->second;
  auto init = initializers.find(name);
  if (init == initializers.end()) {
    emitError(loc) << "value '" << name << "' used by " << user
                   << " is not defined before it (the graph is not "
                      "topologically sorted, or the value is missing)";
    return nullptr;
  }
  FailureOr<DenseElementsAttr> data = convertTensor(
      *init->second, context, [&] { return emitError(loc) << user << ": "; });
  if (failed(data))
    return nullptr;
  ValueState &state = values[name];
  state.constant = *data;
  return &state;
}

LogicalResult GraphImporter::checkNode(const onnx::NodeProto &node,
                                       const OpSpec &spec, Location loc,
                                       StringRef name) {
  auto fail = [&]() -> InFlightDiagnostic {
    return emitError(loc) << "ONNX operator '" << node.op_type() << "' (node '"
                          << name << "', opset " << opset << ") ";
  };
  // Every operator defines output 0 (found by fuzzing: a Clip without
  // outputs wrote past its results).
  if (node.output_size() == 0)
    return fail() << "has no outputs";
  unsigned numInputs = node.input_size();
  if (numInputs > spec.maxInputs)
    return fail() << "has " << numInputs << " inputs; at most "
                  << spec.maxInputs << " are supported";
  for (unsigned i = 0; i < spec.minInputs; ++i)
    if (i >= numInputs || node.input(i).empty())
      return fail() << "needs at least " << spec.minInputs << " inputs";

  for (const onnx::AttributeProto &attr : node.attribute()) {
    const AttrSpec *attrSpec =
        llvm::find_if(spec.attributes,
                      [&](const AttrSpec &s) { return s.name == attr.name(); });
    if (attrSpec == spec.attributes.end())
      return fail() << "has attribute '" << attr.name()
                    << "', which the importer does not support";
    int expected = getAttributeType(attrSpec->kind);
    if (attr.type() != expected)
      return fail() << "has attribute '" << attr.name() << "' of type "
                    << getAttributeTypeName(attr.type()) << "; expected "
                    << getAttributeTypeName(expected);
  }

  for (int64_t i = spec.numOutputs; i < node.output_size(); ++i) {
    const std::string &output = node.output(i);
    if (!output.empty() && (uses.lookup(output) || graphOutputs.count(output)))
      return fail() << "output #" << i << " ('" << output
                    << "') is used; the importer supports only the first "
                    << spec.numOutputs
                    << (spec.numOutputs == 1 ? " output" : " outputs");
  }
  return success();
}

/// The batch size is known at run time only: shape computations carry it
/// (Gather, Slice, Unsqueeze, Squeeze, Concat, Identity) into a Reshape's
/// or an Expand's target, and nothing may read it as data.
static LogicalResult checkBatchSizeReads(NodeContext &ctx) {
  StringRef op = ctx.getOpType();
  for (unsigned i = 0; i < ctx.getNumInputs(); ++i) {
    DenseElementsAttr data = ctx.getConstantInput(i);
    if (!data || !holdsBatchSize(data))
      continue;
    bool carries =
        ((op == "Reshape" || op == "Expand") && i == 1) ||
        (i == 0 &&
         llvm::is_contained(
             {"Gather", "Slice", "Unsqueeze", "Squeeze", "Identity"}, op)) ||
        op == "Concat";
    if (!carries)
      return ctx.fail(
          op + " reads the batch size ('" + ctx.getInputName(i) +
          "', computed by Shape) as data; it is known at run "
          "time only, and the importer carries it only into a "
          "Reshape's or an Expand's target (through Gather, Slice, Unsqueeze, "
          "Squeeze and Concat)");
  }
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        size_t index) {
  std::string name = getDisplayName(node, index);
  // Ops are located at the node's name alone: diagnostics print a NameLoc
  // holding a file location as that file's line, and the model file has
  // none. The importer's own diagnostics point at the file.
  Location loc = NameLoc::get(StringAttr::get(context, name));
  Location errorLoc = NameLoc::get(StringAttr::get(context, name), fileLoc);
  const OpSpec &spec = *lookup(node);
  if (failed(checkNode(node, spec, errorLoc, name)))
    return failure();

  std::string user = "node '" + name + "'";
  SmallVector<ValueState *> inputs;
  for (const std::string &input : node.input()) {
    if (input.empty()) {
      inputs.push_back(nullptr);
      continue;
    }
    ValueState *state = resolve(input, errorLoc, user);
    if (!state)
      return failure();
    inputs.push_back(state);
  }
  SmallVector<bool> outputIsFinal;
  for (const std::string &output : node.output())
    outputIsFinal.push_back(graphOutputs.count(output) && !uses.lookup(output));

  NodeContext ctx(node, name, opset, loc, errorLoc, builder, inputs,
                  outputIsFinal);
  for (unsigned i : spec.floatInputs) {
    if (!ctx.hasInput(i))
      continue;
    RankedTensorType type = ctx.getInputType(i);
    if (!type.getElementType().isF32())
      return ctx.fail(node.op_type() + " input '" + ctx.getInputName(i) +
                      "' must be a float32 tensor");
  }
  if (failed(checkBatchSizeReads(ctx)))
    return failure();
  if (failed(spec.emit(ctx)))
    return failure();

  for (unsigned i = 0; i < spec.numOutputs && i < ctx.getResults().size();
       ++i) {
    const std::string &output = node.output(i);
    if (output.empty())
      continue;
    if (!ctx.getResults()[i])
      return ctx.fail("output '" + output + "' was not defined");
    const ValueState &result = *ctx.getResults()[i];
    ArrayRef<int64_t> shape =
        cast<ShapedType>(result.value ? result.value.getType()
                                      : result.constant.getType())
            .getShape();
    if (getStaticProduct(shape) > kMaxElements)
      return ctx.fail("output '" + output + "' would have shape " +
                      formatShape(shape) + ", more than the " +
                      Twine(kMaxElements) +
                      " elements per sample the importer accepts");
    if (values.count(output))
      return ctx.fail("value '" + output + "' is defined twice");
    values[output] = *ctx.getResults()[i];
  }
  return success();
}

LogicalResult GraphImporter::importOutputs(func::FuncOp func) {
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    auto fail = [&]() {
      return emitError(fileLoc) << "graph output '" << output.name() << "' ";
    };
    ValueState *state = resolve(output.name(), fileLoc, "the graph outputs");
    if (!state)
      return failure();
    if (!state->value && holdsBatchSize(state->constant))
      return fail() << "is the batch size (computed by Shape), known at run "
                       "time only";
    if (!state->value)
      state->value =
          arith::ConstantOp::create(builder, fileLoc, state->constant);
    auto type = cast<RankedTensorType>(state->value.getType());

    // The declared type, when there is one, must agree with the inferred one.
    const onnx::TypeProto::Tensor &declared = output.type().tensor_type();
    if (declared.elem_type() != onnx::TensorProto::UNDEFINED &&
        getElementType(context, declared.elem_type()) != type.getElementType())
      return fail() << "is declared " << getDataTypeName(declared.elem_type())
                    << " but computes " << type;
    if (declared.has_shape()) {
      bool agree = declared.shape().dim_size() == type.getRank();
      for (int i = 0; agree && i < declared.shape().dim_size(); ++i) {
        const auto &dim = declared.shape().dim(i);
        agree = !dim.has_dim_value() || type.isDynamicDim(i) ||
                dim.dim_value() == type.getDimSize(i);
      }
      if (!agree)
        return fail() << "is declared with a shape other than the computed "
                      << formatShape(type.getShape());
    }
    results.push_back(state->value);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setType(FunctionType::get(context, func.getArgumentTypes(),
                                 ValueRange(results).getTypes()));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "onnx.name", builder.getStringAttr(output.name()));
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  for (const onnx::TensorProto &init : graph.initializer())
    initializers[init.name()] = &init;
  if (graph.sparse_initializer_size()) {
    emitError(fileLoc) << "sparse initializers are not supported";
    return nullptr;
  }
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &input : node.input())
      if (!input.empty())
        ++uses[input];
  for (const onnx::ValueInfoProto &output : graph.output())
    graphOutputs.insert(output.name());
  if (failed(checkOperators()))
    return nullptr;

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  (*module)->setAttr("onnx.opset", builder.getI64IntegerAttr(opset));
  (*module)->setAttr("onnx.producer",
                     builder.getStringAttr(model.producer_name()));
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc, "predict",
                                   FunctionType::get(context, {}, {}));
  if (failed(importInputs(func)))
    return nullptr;
  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, index)))
      return nullptr;
  if (failed(importOutputs(func)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp>
mlir::qfhe::onnx_import::importGraph(MLIRContext *context,
                                     const onnx::ModelProto &model,
                                     int64_t opset, Location fileLoc) {
  return GraphImporter(context, model, opset, fileLoc).run();
}
