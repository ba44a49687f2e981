//===- QuantizedConstantTest.cpp - integers of quantized constants --------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// getQuantizedConstant reads the storage integers of a quant.scast of an
// arith.constant raw (weights are millions of elements): extended as the
// quantized type's signedness says, whatever the signless storage, against
// the values createQuantizedConstant was given, at the edges of each width.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/QuantParams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

#include <string>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

TEST(QuantizedConstant, ReadsStorageExtendedAsTheTypeSays) {
  MLIRContext context;
  context.loadDialect<arith::ArithDialect, quant::QuantDialect>();
  OpBuilder builder(&context);
  Location loc = builder.getUnknownLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  builder.setInsertionPointToEnd(module->getBody());
  Type f32 = builder.getF32Type();
  for (unsigned width : {2u, 4u, 7u, 8u, 12u, 16u, 31u, 32u}) {
    for (bool isSigned : {true, false}) {
      int64_t min = isSigned ? -(int64_t(1) << (width - 1)) : 0;
      int64_t max = isSigned ? (int64_t(1) << (width - 1)) - 1
                             : (int64_t(1) << width) - 1;
      std::vector<int64_t> values = {
          min, max, 0, 1, max - 1, min + 1, (min + max) / 2};
      if (isSigned)
        values.push_back(-1);
      auto element = quant::UniformQuantizedType::get(
          isSigned ? quant::QuantizationFlags::Signed : 0,
          builder.getIntegerType(width), f32, 0.5, 0, min, max);
      auto type =
          RankedTensorType::get({static_cast<int64_t>(values.size())}, element);
      Value constant = createQuantizedConstant(builder, loc, type, values);
      std::optional<SmallVector<int64_t>> read = getQuantizedConstant(constant);
      std::string label = (isSigned ? "i" : "u") + std::to_string(width);
      ASSERT_TRUE(read) << label;
      EXPECT_EQ(std::vector<int64_t>(read->begin(), read->end()), values)
          << label;
    }
  }
}

} // namespace
