// RUN: quant-opt %s --split-input-file --qfhe-normalize --verify-diagnostics

// qfhe compiles programs on float32 tensors: other element types at the
// boundary or in between are errors at the value, before any rewriting.

// expected-error @below {{argument #0 of @f16 has type 'tensor<?x4xf16>'; qfhe compiles programs on float32 tensors (convert the model to float32 first)}}
func.func @f16(%x: tensor<?x4xf16>) -> tensor<?x4xf16> {
  return %x : tensor<?x4xf16>
}

// -----

// expected-error @below {{argument #0 of @bf16 has type 'tensor<4xbf16>'}}
func.func @bf16(%x: tensor<4xbf16>) -> tensor<4xf32> {
  %y = arith.extf %x : tensor<4xbf16> to tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// expected-error @below {{argument #0 of @i1 has type 'tensor<?x4xi1>'}}
func.func @i1(%x: tensor<?x4xi1>) -> tensor<?x4xi1> {
  return %x : tensor<?x4xi1>
}

// -----

// expected-error @below {{result #0 of @f64_result has type 'tensor<4xf64>'}}
func.func @f64_result(%x: tensor<4xf32>) -> tensor<4xf64> {
  %y = arith.extf %x : tensor<4xf32> to tensor<4xf64>
  return %y : tensor<4xf64>
}

// -----

func.func @f64_inside(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'arith.extf' computes 'tensor<4xf64>'; qfhe compiles programs on float32 tensors}}
  %y = arith.extf %x : tensor<4xf32> to tensor<4xf64>
  %z = arith.truncf %y : tensor<4xf64> to tensor<4xf32>
  return %z : tensor<4xf32>
}
