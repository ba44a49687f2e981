// Written by make_gated.py: h = relu(W1 x + b1) * sigmoid(W2 x + b2), then
// logits = W3 h + b3.
func.func @gated(%x: tensor<?x8xf32>) -> tensor<?x4xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %v_e = tensor.empty(%n) : tensor<?x8xf32>
  %v_f = linalg.fill ins(%zero : f32) outs(%v_e : tensor<?x8xf32>) -> tensor<?x8xf32>
  %v_w = arith.constant dense<[[ 0.11343203 , -0.31364906 , -0.24783812 , -1.4648805  ,  1.0798244  ,  0.68649954 , -0.1952537  ,  0.46428394 ],
 [ 0.1687264  , -0.3322937  ,  0.58654046 , -0.18633392 , -0.19729434 , -0.47528806 ,  0.27297485 , -0.059518833],
 [ 0.32717323 , -0.36431143 ,  0.076096706, -0.53536445 ,  0.504879   ,  0.11282105 ,  0.1983426  ,  0.24630235 ],
 [-0.6064545  ,  0.4699086  ,  1.2340217  , -0.9830655  , -1.0376469  , -0.90289885 ,  0.50487536 ,  0.077229396],
 [ 0.64700544 ,  0.43345854 ,  0.12634309 ,  0.17042288 , -0.1018563  ,  0.52107614 , -0.67782956 , -0.2531153  ],
 [ 0.14576331 ,  1.0808525  , -0.45867848 , -0.64743626 , -0.3379723  ,  0.5815633  , -0.14100331 ,  0.79460824 ],
 [-1.1235178  ,  0.6771139  ,  0.62091976 , -0.8511994  ,  0.09214913 ,  0.7294546  ,  0.052751426,  0.59982085 ],
 [ 1.4249321  ,  0.16435935 , -0.16822939 , -0.4626313  ,  0.38883877 , -0.11803804 , -0.10724782 , -0.06315587 ]]> : tensor<8x8xf32>
  %v_b = arith.constant dense<[ 0.12997393  , -0.21326792  , -0.3059753   , -0.48677534  ,  0.23973417  ,  0.014758672 ,  0.3020239   , -0.0017912596]> : tensor<8xf32>
  %v_m = linalg.matmul ins(%x, %v_w : tensor<?x8xf32>, tensor<8x8xf32>) outs(%v_f : tensor<?x8xf32>) -> tensor<?x8xf32>
  %v = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%v_m, %v_b : tensor<?x8xf32>, tensor<8xf32>) outs(%v_e : tensor<?x8xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %sum = arith.addf %in, %bias : f32
    linalg.yield %sum : f32
  } -> tensor<?x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%v : tensor<?x8xf32>) outs(%v_e : tensor<?x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %t = arith.maximumf %in, %z : f32
    linalg.yield %t : f32
  } -> tensor<?x8xf32>
  %g_e = tensor.empty(%n) : tensor<?x8xf32>
  %g_f = linalg.fill ins(%zero : f32) outs(%g_e : tensor<?x8xf32>) -> tensor<?x8xf32>
  %g_w = arith.constant dense<[[-0.44529328 ,  0.2867576  , -0.045953047, -0.752512   , -0.53103995 ,  1.0600675  ,  0.21261036 ,  0.24983191 ],
 [-0.16593103 , -0.41383174 ,  0.53499347 , -0.06277587 , -0.45546487 , -0.08047711 , -0.54336363 ,  0.1140275  ],
 [ 0.6775366  , -0.5016511  ,  0.8571264  , -0.40057197 ,  0.0920473  , -0.5018319  , -0.1333411  ,  0.028442647],
 [-0.26081097 , -0.42173272 , -0.40673172 , -0.49269596 , -0.942048   , -0.15778176 ,  0.24069493 ,  0.54504114 ],
 [ 0.38826165 ,  1.474402   ,  0.19120899 , -0.27380034 ,  1.1229808  , -0.6283308  ,  0.5810866  , -0.57308686 ],
 [ 0.212467   , -1.181038   ,  0.53956425 , -0.09494857 , -0.5806089  ,  1.0070515  ,  0.4592128  ,  0.027484702],
 [-0.44726604 , -0.026017554, -0.09835726 ,  0.4348659  ,  0.47884512 , -0.40065384 , -0.32962233 , -0.3192392  ],
 [-0.80959034 , -0.35494494 , -0.05544484 ,  0.41457117 ,  0.7922277  , -0.48500752 ,  0.33058593 , -0.2666741  ]]> : tensor<8x8xf32>
  %g_b = arith.constant dense<[ 0.41503754 , -0.009744709,  0.10042539 , -0.18723243 , -0.1621379  ,  0.04033906 , -0.07681089 ,  0.070657715]> : tensor<8xf32>
  %g_m = linalg.matmul ins(%x, %g_w : tensor<?x8xf32>, tensor<8x8xf32>) outs(%g_f : tensor<?x8xf32>) -> tensor<?x8xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%g_m, %g_b : tensor<?x8xf32>, tensor<8xf32>) outs(%g_e : tensor<?x8xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %sum = arith.addf %in, %bias : f32
    linalg.yield %sum : f32
  } -> tensor<?x8xf32>
  %sg = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%g : tensor<?x8xf32>) outs(%v_e : tensor<?x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %one = arith.constant 1.0 : f32
    %ng = arith.negf %in : f32
    %ex = math.exp %ng : f32
    %den = arith.addf %ex, %one : f32
    %t = arith.divf %one, %den : f32
    linalg.yield %t : f32
  } -> tensor<?x8xf32>
  %h = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r, %sg : tensor<?x8xf32>, tensor<?x8xf32>) outs(%v_e : tensor<?x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %t = arith.mulf %a, %b : f32
    linalg.yield %t : f32
  } -> tensor<?x8xf32>
  %o_e = tensor.empty(%n) : tensor<?x4xf32>
  %o_f = linalg.fill ins(%zero : f32) outs(%o_e : tensor<?x4xf32>) -> tensor<?x4xf32>
  %o_w = arith.constant dense<[[-1.2494593  ,  0.52960396 , -0.7195843  ,  1.3779387  ],
 [-0.23077379 ,  0.877812   , -1.1159867  ,  0.343157   ],
 [-0.7104237  , -0.38951126 ,  0.019677106, -0.25365996 ],
 [ 0.2114045  ,  0.5981243  ,  0.52222574 , -0.06998519 ],
 [-1.0907444  , -0.6437169  , -0.15660496 , -1.6974608  ],
 [ 0.6016645  , -0.19171055 , -0.20105544 ,  0.75870097 ],
 [ 0.5343284  ,  0.17680077 , -0.8010669  ,  0.24833725 ],
 [ 0.27694204 , -0.7078187  ,  0.8346495  ,  0.40630975 ]]> : tensor<8x4xf32>
  %o_b = arith.constant dense<[-0.19696243 ,  0.012194945, -0.1264698  ,  0.11363152 ]> : tensor<4xf32>
  %o_m = linalg.matmul ins(%h, %o_w : tensor<?x8xf32>, tensor<8x4xf32>) outs(%o_f : tensor<?x4xf32>) -> tensor<?x4xf32>
  %o = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%o_m, %o_b : tensor<?x4xf32>, tensor<4xf32>) outs(%o_e : tensor<?x4xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %sum = arith.addf %in, %bias : f32
    linalg.yield %sum : f32
  } -> tensor<?x4xf32>
  return %o : tensor<?x4xf32>
}
