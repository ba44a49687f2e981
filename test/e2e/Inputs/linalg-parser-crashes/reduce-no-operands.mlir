func.func @f() {
  linalg.reduce { arith.addf } dimensions = [0]
  return
}
