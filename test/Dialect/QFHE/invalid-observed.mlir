// RUN: quant-opt %s --split-input-file --verify-diagnostics

// Every check of #qfhe.observed's verifier and parser.

// expected-error @+1 {{observed range [3, 1] is not a finite range with min <= max}}
func.func @min_above_max() attributes {o = #qfhe.observed<min = 3.0, max = 1.0>} { return }

// -----

// expected-error @+1 {{observed range [0, inf] is not a finite range with min <= max}}
func.func @infinite_max() attributes {o = #qfhe.observed<min = 0.0, max = 0x7FF0000000000000>} { return }

// -----

// expected-error @+1 {{observed mean square 5 is not in [0, 4], the squares of the range [-1, 2]}}
func.func @mean_square_too_large() attributes {o = #qfhe.observed<min = -1.0, max = 2.0, mean_square = 5.0>} { return }

// -----

// expected-error @+1 {{observed mean square -1 is not in [0, 4], the squares of the range [-1, 2]}}
func.func @negative_mean_square() attributes {o = #qfhe.observed<min = -1.0, max = 2.0, mean_square = -1.0>} { return }

// -----

// expected-error @+1 {{quantile levels must increase inside [0, 1]; level 1 is 0.25}}
func.func @levels_decrease() attributes {o = #qfhe.observed<min = 0.0, max = 1.0, quantiles = {0.5 : 0.5, 0.25 : 0.6}>} { return }

// -----

// expected-error @+1 {{quantile levels must increase inside [0, 1]; level 0 is 1.5}}
func.func @level_above_one() attributes {o = #qfhe.observed<min = 0.0, max = 1.0, quantiles = {1.5 : 0.5}>} { return }

// -----

// expected-error @+1 {{observed quantiles decrease: 0.5 at level 0.25, then 0.25 at level 0.75}}
func.func @quantiles_decrease() attributes {o = #qfhe.observed<min = 0.0, max = 1.0, quantiles = {0.25 : 0.5, 0.75 : 0.25}>} { return }

// -----

// expected-error @+1 {{observed quantile at level 0.5 is 2, outside the range [0, 1]}}
func.func @quantile_outside_range() attributes {o = #qfhe.observed<min = 0.0, max = 1.0, quantiles = {0.5 : 2.0}>} { return }

// -----

// expected-error @+1 {{observed channel statistics need an axis}}
func.func @channels_without_axis() attributes {o = #qfhe.observed<min = 0.0, max = 1.0, channel_min = [0.0], channel_max = [1.0]>} { return }

// -----

// expected-error @+1 {{observed value along axis 1 has 2 channel minima and 1 channel maxima; expected the same number, at least 1}}
func.func @channel_lengths() attributes {o = #qfhe.observed<min = 0.0, max = 1.0, axis = 1, channel_min = [0.0, 0.0], channel_max = [1.0]>} { return }

// -----

// expected-error @+1 {{observed value has 2 channels but 1 channel mean squares}}
func.func @channel_mean_squares() attributes {o = #qfhe.observed<min = 0.0, max = 1.0, axis = 1, channel_min = [0.0, 0.0], channel_max = [1.0, 1.0], channel_mean_square = [0.5]>} { return }

// -----

// expected-error @+1 {{observed value has 2 channels and 1 quantile levels but 3 channel quantiles}}
func.func @channel_quantile_count() attributes {o = #qfhe.observed<min = 0.0, max = 1.0, quantiles = {0.5 : 0.5}, axis = 1, channel_min = [0.0, 0.0], channel_max = [1.0, 1.0], channel_quantiles = [[0.5], [0.5, 0.6]]>} { return }

// -----

// expected-error @+1 {{observed value has 1 channels and 0 quantile levels but 1 channel quantiles}}
func.func @channel_quantiles_without_levels() attributes {o = #qfhe.observed<min = 0.0, max = 1.0, axis = 1, channel_min = [0.0], channel_max = [1.0], channel_quantiles = [[0.5]]>} { return }

// -----

// expected-error @+1 {{observed quantile of channel 1 at level 0.5 is 3, outside the range [0, 2]}}
func.func @channel_quantile_outside() attributes {o = #qfhe.observed<min = 0.0, max = 4.0, quantiles = {0.5 : 1.0}, axis = 1, channel_min = [0.0, 0.0], channel_max = [4.0, 2.0], channel_quantiles = [[1.0], [3.0]]>} { return }

// -----

// expected-error @+1 {{observed range of channel 0 [-1, 1] is not inside the whole range [0, 1]}}
func.func @channel_outside_whole() attributes {o = #qfhe.observed<min = 0.0, max = 1.0, axis = 1, channel_min = [-1.0], channel_max = [1.0]>} { return }

// -----

// expected-error @+1 {{observed axis -1 must be non-negative}}
func.func @negative_axis() attributes {o = #qfhe.observed<min = 0.0, max = 1.0, axis = -1, channel_min = [0.0], channel_max = [1.0]>} { return }

// -----

// expected-error @+1 {{#qfhe.observed needs min and max}}
func.func @no_max() attributes {o = #qfhe.observed<min = 0.0>} { return }

// -----

// expected-error @+1 {{unknown key 'mean' in #qfhe.observed; expected one of min, max, mean_square, quantiles, axis, channel_min, channel_max, channel_mean_square, channel_quantiles}}
func.func @unknown_key() attributes {o = #qfhe.observed<min = 0.0, max = 1.0, mean = 0.5>} { return }

// -----

// expected-error @+1 {{'min' appears twice in #qfhe.observed}}
func.func @twice() attributes {o = #qfhe.observed<min = 0.0, max = 1.0, min = 0.5>} { return }
