// RUN: quant-opt %s --split-input-file --qfhe-annotate-loops | FileCheck %s
// RUN: quant-opt %s --split-input-file --qfhe-annotate-loops=full-unroll-trip-count=2 | FileCheck %s --check-prefix=TWO

// A loop nest as convert-linalg-to-loops leaves a matmul: the loops around
// the innermost one are not vectorized; the innermost loop, 64 iterations,
// is left to the loop vectorizer.
// CHECK: #[[$VEC:.+]] = #llvm.loop_vectorize<disable = true>
// CHECK: #[[$NOVEC:.+]] = #llvm.loop_annotation<vectorize = #[[$VEC]]>
// CHECK-LABEL: func.func @matmul
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK-NOT: loop_annotation
// CHECK: }
// CHECK-NEXT: } {loop_annotation = #[[$NOVEC]]}
// CHECK-NEXT: } {loop_annotation = #[[$NOVEC]]}
func.func @matmul(%a: memref<?x98xi8>, %b: memref<98x64xi8>, %c: memref<?x64xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c98 = arith.constant 98 : index
  %n = memref.dim %a, %c0 : memref<?x98xi8>
  scf.for %i = %c0 to %n step %c1 {
    scf.for %k = %c0 to %c98 step %c1 {
      scf.for %j = %c0 to %c64 step %c1 {
        %x = memref.load %a[%i, %k] : memref<?x98xi8>
        %w = memref.load %b[%k, %j] : memref<98x64xi8>
        %acc = memref.load %c[%i, %j] : memref<?x64xi8>
        %p = arith.muli %x, %w : i8
        %s = arith.addi %acc, %p : i8
        memref.store %s, %c[%i, %j] : memref<?x64xi8>
      }
    }
  }
  return
}

// -----

// Innermost loops of at most 16 iterations (by default) are fully unrolled,
// whatever their bounds and step; a dynamic one is not.
// CHECK: #[[$UNROLL:.+]] = #llvm.loop_unroll<full = true>
// CHECK: #[[$FULL:.+]] = #llvm.loop_annotation<unroll = #[[$UNROLL]]>
// CHECK-LABEL: func.func @small
// CHECK: } {loop_annotation = #[[$FULL]]}
// CHECK: } {loop_annotation = #[[$FULL]]}
// CHECK: scf.for
// CHECK-NEXT: memref.store
// CHECK-NEXT: }
// CHECK-NEXT: return
// TWO-LABEL: func.func @small
// TWO-NOT: loop_annotation
// TWO: return
func.func @small(%m: memref<?xf32>, %n: index, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c2 = arith.constant 2 : index
  %c34 = arith.constant 34 : index
  scf.for %i = %c0 to %c3 step %c1 {
    memref.store %v, %m[%i] : memref<?xf32>
  }
  scf.for %i = %c2 to %c34 step %c2 {
    memref.store %v, %m[%i] : memref<?xf32>
  }
  scf.for %i = %c0 to %n step %c1 {
    memref.store %v, %m[%i] : memref<?xf32>
  }
  return
}

// -----

// A loop annotated already keeps its annotation.
// CHECK: #[[$KEPT:.+]] = #llvm.loop_annotation<mustProgress = true>
// CHECK-LABEL: func.func @annotated
// CHECK: } {loop_annotation = #[[$KEPT]]}
func.func @annotated(%m: memref<?xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    memref.store %v, %m[%i] : memref<?xf32>
  } {loop_annotation = #llvm.loop_annotation<mustProgress = true>}
  return
}
