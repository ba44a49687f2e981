// Written by hand (not generated): a transform script that decomposes
// linalg.softmax into generics, which qfhe-lower-to-llvm does not do, so
// that tests can run imported Softmax nodes:
//   quant-opt --transform-preload-library=transform-library-paths=<this>
//             --transform-interpreter
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %softmax = transform.structured.match ops{["linalg.softmax"]} in %root : (!transform.any_op) -> !transform.any_op
    %parts = transform.structured.decompose_interface %softmax : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}
