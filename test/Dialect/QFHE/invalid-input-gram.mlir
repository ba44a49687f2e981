// RUN: quant-opt %s --split-input-file --verify-diagnostics

// Every check of qfhe.input_gram, the second moments of a layer's inputs
// that calibration records (docs/attributes.md).

// A valid one verifies.
func.func @valid() attributes {qfhe.input_gram = {rows = 3 : i64, second_moments = dense<[[1.0, 0.5], [0.5, 2.0]]> : tensor<2x2xf32>}} { return }

// -----

// expected-error @+1 {{'func.func': qfhe.input_gram must be {rows = N : i64, second_moments = dense<...> : tensor<KxKxf32>}, not a dictionary}}
func.func @not_a_dictionary() attributes {qfhe.input_gram = dense<1.0> : tensor<2x2xf32>} { return }

// -----

// expected-error @+1 {{'func.func': qfhe.input_gram must be {rows = N : i64, second_moments = dense<...> : tensor<KxKxf32>}, not one of entries 'second_moments'}}
func.func @no_rows() attributes {qfhe.input_gram = {second_moments = dense<1.0> : tensor<2x2xf32>}} { return }

// -----

// expected-error @+1 {{'func.func': qfhe.input_gram averages 0 rows (must be positive)}}
func.func @zero_rows() attributes {qfhe.input_gram = {rows = 0 : i64, second_moments = dense<1.0> : tensor<2x2xf32>}} { return }

// -----

// expected-error @+1 {{'func.func': qfhe.input_gram second_moments must be a square matrix, not 'tensor<2x3xf32>'}}
func.func @not_square() attributes {qfhe.input_gram = {rows = 4 : i64, second_moments = dense<1.0> : tensor<2x3xf32>}} { return }

// -----

// expected-error @+1 {{'func.func': qfhe.input_gram second_moments entry (0, 1) is nan (must be finite)}}
func.func @not_finite() attributes {qfhe.input_gram = {rows = 4 : i64, second_moments = dense<[[1.0, 0x7FC00000], [0.5, 2.0]]> : tensor<2x2xf32>}} { return }

// -----

// expected-error @+1 {{'func.func': qfhe.input_gram second_moments entry (1, 1) is -2.000000e+00: a mean square cannot be negative}}
func.func @negative_mean_square() attributes {qfhe.input_gram = {rows = 4 : i64, second_moments = dense<[[1.0, 0.5], [0.5, -2.0]]> : tensor<2x2xf32>}} { return }
