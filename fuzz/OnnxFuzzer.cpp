//===- OnnxFuzzer.cpp - fuzz the ONNX importer ----------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// libFuzzer target: the input is the content of a .onnx file, imported as
// quant-translate --import-onnx does. Errors are the expected answer to most
// inputs and are silenced; a module the importer returns must verify (the
// importer verifies it) and print.
//
// Byte mutations of protobuf data rarely keep a model valid, so the custom
// mutator mostly edits the parsed model instead: an attribute, a tensor's
// dimensions or values, an input's shape or element type, the opset, an
// op type; the rest of the time it mutates bytes.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Import/ONNX.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "onnx/onnx_pb.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace mlir;

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {

using Random = std::minstd_rand;

/// Values at the edges of what shapes, axes and attributes hold.
int64_t pickInteger(Random &random) {
  static const int64_t interesting[] = {0,
                                        1,
                                        -1,
                                        2,
                                        3,
                                        -2,
                                        7,
                                        64,
                                        1000000,
                                        int64_t(1) << 31,
                                        (int64_t(1) << 31) - 1,
                                        int64_t(1) << 62,
                                        std::numeric_limits<int64_t>::max(),
                                        std::numeric_limits<int64_t>::min()};
  return interesting[random() % std::size(interesting)];
}

float pickFloat(Random &random) {
  static const float interesting[] = {0.0f,
                                      -0.0f,
                                      1.0f,
                                      -1.0f,
                                      0.5f,
                                      1e-30f,
                                      1e30f,
                                      std::numeric_limits<float>::infinity(),
                                      -std::numeric_limits<float>::infinity(),
                                      std::numeric_limits<float>::quiet_NaN()};
  return interesting[random() % std::size(interesting)];
}

template <typename T>
T &pickOne(google::protobuf::RepeatedPtrField<T> &field, Random &random) {
  return *field.Mutable(random() % field.size());
}

void mutateAttribute(onnx::AttributeProto &attr, Random &random) {
  switch (attr.type()) {
  case onnx::AttributeProto::INT:
    attr.set_i(pickInteger(random));
    return;
  case onnx::AttributeProto::FLOAT:
    attr.set_f(pickFloat(random));
    return;
  case onnx::AttributeProto::INTS:
    if (attr.ints_size() && random() % 4)
      attr.set_ints(random() % attr.ints_size(), pickInteger(random));
    else
      attr.add_ints(pickInteger(random));
    return;
  case onnx::AttributeProto::STRING:
    attr.set_s(random() % 2 ? "SAME_UPPER" : "VALID");
    return;
  default:
    attr.set_type(onnx::AttributeProto::INTS);
    attr.add_ints(pickInteger(random));
  }
}

void mutateTensor(onnx::TensorProto &tensor, Random &random) {
  switch (random() % 3) {
  case 0:
    if (tensor.dims_size())
      tensor.set_dims(random() % tensor.dims_size(), pickInteger(random) % 5);
    return;
  case 1:
    if (tensor.data_type() == onnx::TensorProto::FLOAT &&
        tensor.raw_data().size() >= 4) {
      float value = pickFloat(random);
      std::string *raw = tensor.mutable_raw_data();
      size_t at = (random() % (raw->size() / 4)) * 4;
      std::memcpy(raw->data() + at, &value, 4);
    } else if (tensor.int64_data_size()) {
      tensor.set_int64_data(random() % tensor.int64_data_size(),
                            pickInteger(random));
    }
    return;
  default:
    tensor.set_data_type(static_cast<int32_t>(random() % 17));
  }
}

void mutateInput(onnx::ValueInfoProto &input, Random &random) {
  onnx::TypeProto::Tensor *tensor = input.mutable_type()->mutable_tensor_type();
  if (random() % 3 == 0) {
    tensor->set_elem_type(static_cast<int32_t>(random() % 17));
    return;
  }
  onnx::TensorShapeProto *shape = tensor->mutable_shape();
  if (shape->dim_size() == 0 || random() % 4 == 0) {
    shape->add_dim()->set_dim_value(pickInteger(random) % 5);
    return;
  }
  onnx::TensorShapeProto::Dimension &dim =
      pickOne(*shape->mutable_dim(), random);
  if (random() % 3 == 0)
    dim.set_dim_param("n");
  else
    dim.set_dim_value(pickInteger(random));
}

/// Edits one thing of a parsed model; false when it has nothing to edit.
bool mutateModel(onnx::ModelProto &model, Random &random) {
  onnx::GraphProto *graph = model.mutable_graph();
  switch (random() % 6) {
  case 0:
    if (graph->node_size()) {
      onnx::NodeProto &node = pickOne(*graph->mutable_node(), random);
      if (node.attribute_size()) {
        mutateAttribute(pickOne(*node.mutable_attribute(), random), random);
        return true;
      }
    }
    return false;
  case 1:
    if (!graph->initializer_size())
      return false;
    mutateTensor(pickOne(*graph->mutable_initializer(), random), random);
    return true;
  case 2:
    if (!graph->input_size())
      return false;
    mutateInput(pickOne(*graph->mutable_input(), random), random);
    return true;
  case 3:
    if (!model.opset_import_size())
      return false;
    pickOne(*model.mutable_opset_import(), random)
        .set_version(static_cast<int64_t>(9 + random() % 11));
    return true;
  case 4: {
    if (graph->node_size() < 2)
      return false;
    onnx::NodeProto &a = pickOne(*graph->mutable_node(), random);
    onnx::NodeProto &b = pickOne(*graph->mutable_node(), random);
    std::string type = a.op_type();
    a.set_op_type(b.op_type());
    b.set_op_type(type);
    return true;
  }
  default:
    if (!graph->node_size())
      return false;
    {
      onnx::NodeProto &node = pickOne(*graph->mutable_node(), random);
      if (!node.input_size())
        return false;
      // Rewire an input to another value of the graph.
      const onnx::NodeProto &other = pickOne(*graph->mutable_node(), random);
      if (!other.output_size())
        return false;
      node.set_input(random() % node.input_size(), other.output(0));
    }
    return true;
  }
}

} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  Random random(seed);
  onnx::ModelProto model;
  if (random() % 5 == 0 || !model.ParseFromArray(data, static_cast<int>(size)))
    return LLVMFuzzerMutate(data, size, maxSize);
  bool changed = false;
  for (unsigned edits = 1 + random() % 3; edits > 0; --edits)
    changed |= mutateModel(model, random);
  std::string bytes;
  if (!changed || !model.SerializeToString(&bytes) || bytes.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, bytes.data(), bytes.size());
  return bytes.size();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext context(MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler silence(&context,
                                  [](Diagnostic &) { return success(); });
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module =
      qfhe::importONNXModel(bytes, "fuzz.onnx", &context);
  if (module)
    module->print(llvm::nulls());
  return 0;
}
