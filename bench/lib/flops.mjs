// Counted flops: the arithmetic the algorithm needs, not what any engine does (padding, masking, recomputation
// and memory traffic are not counted). A multiply-add counts 2. One function, so the runner can print it.
//
// Per training sequence-step (one bit of one string, forward + backward), cell with G gates (LSTM 4, GRU 3, RNN 1):
//   forward gate products   2*G*H*(H+1)   z = W_hh h_prev + W_ih x  (the +1 is the one input, x)
//   forward pointwise       LSTM ~10H: biases folded into z, 3 sigmoids + 2 tanh counted as about 1 flop per
//                           element each, c = f*c + i*g (3H), h = o*tanh(c) (1H)
//                           GRU ~9H: 2 sigmoids + 1 tanh (3), the n row's input bias and r * (W_hn h + b_hn) (3),
//                           h = n + z (h_prev - n) (3)
//                           RNN ~2H: bias add, tanh
//   backward products       2 x forward products: dW += dz (x) [h_prev, x] and dh_prev = W_hh^T dz
//   backward pointwise      LSTM ~21H: dO (1), dC (4), dI dG dF (3), dc_prev (1), 4 gate derivatives (3 each);
//                           GRU ~17H: dn, dz, the direct dh_prev = z dh (5), through tanh (3), dr (1), 2 sigmoid
//                           derivatives (3 each), the n row's recurrent dz = dn_pre r (1), adding the direct dh_prev (1)
//                           RNN ~3H: dz = dh (1 - h^2)
//   bias gradients          2*G*H: db_ih and db_hh each accumulate dz (the GRU's n row has two dz: no extra flops)
//   Adam                    ~10 flops per parameter (moments 7, sqrt, divide, update), once per batch, so per
//                           sequence-step it is 10 P / (sequence-steps in the batch); the gradient norm is not counted
// The read-out (2H forward, 4H backward) runs once per string and is left out (below 1% here).
// DESIGN.md quotes about 2,070 flops at H 8 and 102,600 at H 64 per LSTM training sequence-step; this gives
// 2,040 + Adam share and 102,336 + Adam share.
// Inference counts the forward terms only.

/** Gate blocks of H rows. */
export const gatesOf = (cell) => ({ lstm: 4, gru: 3, rnn: 1 })[cell];
const POINTWISE = { lstm: { fwd: 10, bwd: 21 }, gru: { fwd: 9, bwd: 17 }, rnn: { fwd: 2, bwd: 3 } };

export function paramCountOf(cell, H) {
  const G = gatesOf(cell);
  return G * H /* W_ih */ + G * H * H /* W_hh */ + 2 * G * H /* b_ih, b_hh */ + H + 1 /* read-out */;
}

/** Flops per sequence-step. kind 'train' or 'infer'; seqStepsPerBatch only matters for the Adam share. */
export function flopsPerSeqStep(cell, H, kind, seqStepsPerBatch = Infinity) {
  const G = gatesOf(cell);
  const fwdProducts = 2 * G * H * (H + 1);
  const fwdPointwise = POINTWISE[cell].fwd * H;
  if (kind === 'infer') return fwdProducts + fwdPointwise;
  const bwdProducts = 2 * fwdProducts;
  const bwdPointwise = POINTWISE[cell].bwd * H;
  const biasGrads = 2 * G * H;
  const adam = (10 * paramCountOf(cell, H)) / seqStepsPerBatch;
  return fwdProducts + fwdPointwise + bwdProducts + bwdPointwise + biasGrads + adam;
}

/** The formula as one printable line. */
export const FLOPS_FORMULA =
  'flops/seq-step (train) = 3*2*G*H*(H+1) [gate products fwd + dW + dh] + LSTM 10H+21H / GRU 9H+17H / RNN 2H+3H ' +
  '[pointwise fwd+bwd] + 2*G*H [bias grads] + 10*P/(seq-steps per batch) [Adam]; inference = 2*G*H*(H+1) + 10H ' +
  '(GRU 9H, RNN 2H); G = 4 LSTM, 3 GRU, 1 RNN';
