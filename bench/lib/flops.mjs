// Counted flops: the arithmetic the algorithm needs, not what any engine does (padding, masking, recomputation
// and memory traffic are not counted). A multiply-add counts 2. One function, so the runner can print it.
//
// Per training sequence-step (one bit of one string, forward + backward), cell with G gates (LSTM 4, RNN 1):
//   forward gate products   2*G*H*(H+1)   z = W_hh h_prev + W_ih x  (the +1 is the one input, x)
//   forward pointwise       LSTM ~10H: biases folded into z, 3 sigmoids + 2 tanh counted as about 1 flop per
//                           element each, c = f*c + i*g (3H), h = o*tanh(c) (1H)
//                           RNN ~2H: bias add, tanh
//   backward products       2 x forward products: dW += dz (x) [h_prev, x] and dh_prev = W_hh^T dz
//   backward pointwise      LSTM ~21H: dO (1), dC (4), dI dG dF (3), dc_prev (1), 4 gate derivatives (3 each);
//                           RNN ~3H: dz = dh (1 - h^2)
//   bias gradients          2*G*H: db_ih and db_hh each accumulate dz
//   Adam                    ~10 flops per parameter (moments 7, sqrt, divide, update), once per batch, so per
//                           sequence-step it is 10 P / (sequence-steps in the batch); the gradient norm is not counted
// The read-out (2H forward, 4H backward) runs once per string and is left out (below 1% here).
// DESIGN.md quotes about 2,070 flops at H 8 and 102,600 at H 64 per LSTM training sequence-step; this gives
// 2,040 + Adam share and 102,336 + Adam share.
// Inference counts the forward terms only.

export function paramCountOf(cell, H) {
  const G = cell === 'lstm' ? 4 : 1;
  return G * H /* W_ih */ + G * H * H /* W_hh */ + 2 * G * H /* b_ih, b_hh */ + H + 1 /* read-out */;
}

/** Flops per sequence-step. kind 'train' or 'infer'; seqStepsPerBatch only matters for the Adam share. */
export function flopsPerSeqStep(cell, H, kind, seqStepsPerBatch = Infinity) {
  const G = cell === 'lstm' ? 4 : 1;
  const fwdProducts = 2 * G * H * (H + 1);
  const fwdPointwise = (cell === 'lstm' ? 10 : 2) * H;
  if (kind === 'infer') return fwdProducts + fwdPointwise;
  const bwdProducts = 2 * fwdProducts;
  const bwdPointwise = (cell === 'lstm' ? 21 : 3) * H;
  const biasGrads = 2 * G * H;
  const adam = (10 * paramCountOf(cell, H)) / seqStepsPerBatch;
  return fwdProducts + fwdPointwise + bwdProducts + bwdPointwise + biasGrads + adam;
}

/** The formula as one printable line. */
export const FLOPS_FORMULA =
  'flops/seq-step (train) = 3*2*G*H*(H+1) [gate products fwd + dW + dh] + LSTM 10H+21H / RNN 2H+3H [pointwise fwd+bwd] ' +
  '+ 2*G*H [bias grads] + 10*P/(seq-steps per batch) [Adam]; inference = 2*G*H*(H+1) + 10H (RNN 2H); G = 4 LSTM, 1 RNN';
