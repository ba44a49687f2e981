// A hand-written quantized program: the client quantizes 8 reals to 8-bit
// integers (encryption), the server applies relu as a 5-bit table lookup
// after dropping 4 low bits (x / 16 to nearest: [-8, 8], the FHE circuit),
// the client dequantizes (decryption). test/e2e/examples.test lowers it to LLVM and runs it.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @circuit(%x: tensor<8x!quant.uniform<i8:f32, 0.015625>>) -> tensor<8x!quant.uniform<i8:f32, 0.015625>> {
  %c = quant.scast %x : tensor<8x!quant.uniform<i8:f32, 0.015625>> to tensor<8xi8>
  %r = qfhe.round %c drop 4 : tensor<8xi8> -> tensor<8xi5>
  %relu = qfhe.lut %r {table = dense<[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 32, 48, 64, 80, 96, 112, 127, 127, 127, 127, 127, 127, 127, 127]> : tensor<32xi8>} : tensor<8xi5> -> tensor<8xi8>
  %s = quant.scast %relu : tensor<8xi8> to tensor<8x!quant.uniform<i8:f32, 0.015625>>
  return %s : tensor<8x!quant.uniform<i8:f32, 0.015625>>
}

func.func @main() {
  %x = arith.constant dense<[-2.0, -1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 1.9]> : tensor<8xf32>
  %q = qfhe.quantize %x : tensor<8xf32> -> tensor<8x!quant.uniform<i8:f32, 0.015625>>
  %y = func.call @circuit(%q) : (tensor<8x!quant.uniform<i8:f32, 0.015625>>) -> tensor<8x!quant.uniform<i8:f32, 0.015625>>
  %d = qfhe.dequantize %y : tensor<8x!quant.uniform<i8:f32, 0.015625>> -> tensor<8xf32>
  %u = tensor.cast %d : tensor<8xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
