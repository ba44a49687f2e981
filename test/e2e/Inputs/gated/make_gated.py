#!/usr/bin/env python3
"""Writes gated.mlir and x.npy (not run by tests): a small gated layer,
h = relu(W1 x + b1) * sigmoid(W2 x + b2), then logits = W3 h + b3 (8
inputs, 8 gated values, 4 classes; random weights, seed 2), written as
linalg on tensors, and 200 samples uniform in [-1, 1] to calibrate and
measure it with (search-measures-products.test).
"""
import numpy as np

rng = np.random.default_rng(2)
n_in,n_h,n_out=8,8,4
W1=rng.normal(0,0.6,(n_in,n_h)); b1=rng.normal(0,0.2,n_h)
W2=rng.normal(0,0.6,(n_in,n_h)); b2=rng.normal(0,0.2,n_h)
W3=rng.normal(0,0.8,(n_h,n_out)); b3=rng.normal(0,0.1,n_out)
x=rng.uniform(-1,1,(200,n_in)).astype(np.float32)
np.save('x.npy',x)
def d(a): return 'dense<'+np.array2string(np.asarray(a,dtype=np.float32),separator=', ',max_line_width=10**6,threshold=10**9,floatmode='unique')+'>'
idm='affine_map<(d0, d1) -> (d0, d1)>'; bm='affine_map<(d0, d1) -> (d1)>'
def lin(name,inp,W,b,k,m):
    return f'''  %{name}_e = tensor.empty(%n) : tensor<?x{m}xf32>
  %{name}_f = linalg.fill ins(%zero : f32) outs(%{name}_e : tensor<?x{m}xf32>) -> tensor<?x{m}xf32>
  %{name}_w = arith.constant {d(W)} : tensor<{k}x{m}xf32>
  %{name}_b = arith.constant {d(b)} : tensor<{m}xf32>
  %{name}_m = linalg.matmul ins(%{inp}, %{name}_w : tensor<?x{k}xf32>, tensor<{k}x{m}xf32>) outs(%{name}_f : tensor<?x{m}xf32>) -> tensor<?x{m}xf32>
  %{name} = linalg.generic {{indexing_maps = [{idm}, {bm}, {idm}], iterator_types = ["parallel", "parallel"]}} ins(%{name}_m, %{name}_b : tensor<?x{m}xf32>, tensor<{m}xf32>) outs(%{name}_e : tensor<?x{m}xf32>) {{
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %sum = arith.addf %in, %bias : f32
    linalg.yield %sum : f32
  }} -> tensor<?x{m}xf32>
'''
def un(name,inp,body,m):
    return f'''  %{name} = linalg.generic {{indexing_maps = [{idm}, {idm}], iterator_types = ["parallel", "parallel"]}} ins(%{inp} : tensor<?x{m}xf32>) outs(%v_e : tensor<?x{m}xf32>) {{
  ^bb0(%in: f32, %out: f32):
{body}
  }} -> tensor<?x{m}xf32>
'''
relu='''    %z = arith.constant 0.0 : f32
    %t = arith.maximumf %in, %z : f32
    linalg.yield %t : f32'''
sig='''    %one = arith.constant 1.0 : f32
    %ng = arith.negf %in : f32
    %ex = math.exp %ng : f32
    %den = arith.addf %ex, %one : f32
    %t = arith.divf %one, %den : f32
    linalg.yield %t : f32'''
src=f'''// Written by make_gated.py: h = relu(W1 x + b1) * sigmoid(W2 x + b2), then
// logits = W3 h + b3.
func.func @gated(%x: tensor<?x{n_in}xf32>) -> tensor<?x{n_out}xf32> {{
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x{n_in}xf32>
{lin('v','x',W1,b1,n_in,n_h)}{un('r','v',relu,n_h)}{lin('g','x',W2,b2,n_in,n_h)}{un('sg','g',sig,n_h)}  %h = linalg.generic {{indexing_maps = [{idm}, {idm}, {idm}], iterator_types = ["parallel", "parallel"]}} ins(%r, %sg : tensor<?x{n_h}xf32>, tensor<?x{n_h}xf32>) outs(%v_e : tensor<?x{n_h}xf32>) {{
  ^bb0(%a: f32, %b: f32, %out: f32):
    %t = arith.mulf %a, %b : f32
    linalg.yield %t : f32
  }} -> tensor<?x{n_h}xf32>
{lin('o','h',W3,b3,n_h,n_out)}  return %o : tensor<?x{n_out}xf32>
}}
'''
open('gated.mlir','w').write(src)
