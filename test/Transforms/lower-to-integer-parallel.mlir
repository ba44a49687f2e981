// RUN: quant-opt %s --qfhe-lower-to-integer --split-input-file -o %t.threads.mlir
// RUN: quant-opt %s --qfhe-lower-to-integer --split-input-file --mlir-disable-threading -o %t.one.mlir
// RUN: diff %t.threads.mlir %t.one.mlir
// RUN: FileCheck %s --input-file=%t.threads.mlir

// Table rows (one per channel) are computed in parallel, each into its own
// slice of the table: the program is the same to the byte with one thread
// or several, whatever order the rows finish in.

!qin = !quant.uniform<i8:f32:1, {1.0000e-02:-3,1.3700e-02:0,1.7400e-02:3,2.1100e-02:-1,2.4800e-02:2,2.8500e-02:-2,3.2200e-02:1,3.5900e-02:-3,3.9600e-02:0,4.3300e-02:3,4.7000e-02:-1,5.0700e-02:2,5.4400e-02:-2,5.8100e-02:1,6.1800e-02:-3,6.5500e-02:0}>
!qout = !quant.uniform<i8:f32, 7.8125e-03>

// CHECK-LABEL: func.func @per_channel
// CHECK: qfhe.lut %{{.*}} {axis = 1 : i64, table = dense<"0x{{[0-9A-F]+}}"> : tensor<16x256xi8>}
func.func @per_channel(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %q = qfhe.quantize %x : tensor<?x16xf32> -> tensor<?x16x!qin>
  %a = qfhe.apply %q : tensor<?x16x!qin> -> tensor<?x16x!qout> {
  ^bb0(%v: f32):
    %t = math.tanh %v : f32
    qfhe.yield %t : f32
  }
  %d = qfhe.dequantize %a : tensor<?x16x!qout> -> tensor<?x16xf32>
  return %d : tensor<?x16xf32>
}

// -----

// A requantization of per-channel accumulators: one multiplier per row.

!acc = !quant.uniform<i16:f32:1, {1.0000e-03,1.1100e-03,1.2200e-03,1.3300e-03,1.4400e-03,1.5500e-03,1.6600e-03,1.7700e-03,1.8800e-03,1.9900e-03,2.1000e-03,2.2100e-03,2.3200e-03,2.4300e-03,2.5400e-03,2.6500e-03}>
!q8 = !quant.uniform<i8:f32, 2.5e-02:3>

// CHECK-LABEL: func.func @requantize
// CHECK: qfhe.lut %{{.*}} {axis = 1 : i64, table = dense<"0x{{[0-9A-F]+}}"> : tensor<16x65536xi8>}
func.func @requantize(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %q = qfhe.quantize %x : tensor<?x16xf32> -> tensor<?x16x!acc>
  %r = qfhe.requantize %q : tensor<?x16x!acc> -> tensor<?x16x!q8>
  %d = qfhe.dequantize %r : tensor<?x16x!q8> -> tensor<?x16xf32>
  return %d : tensor<?x16xf32>
}
