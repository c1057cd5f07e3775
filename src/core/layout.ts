// The flat parameter layout shared by the wasm core, the scalar reference and the model file.
// Tensors appear in the order and with the names and shapes of PyTorch's state_dict() for
//   rnn = nn.LSTM(1, H, batch_first=True)   (or nn.RNN with tanh, or nn.GRU)
//   linear = nn.Linear(H, 1)
// so weights cross the boundary without conversion. Gate order is PyTorch's: i, f, g, o for the LSTM, r, z, n for
// the GRU. assembly/layout.ts computes the same offsets; test/layout.test.ts holds the two together.

/** The recurrent cells, in the order of the core's cell codes (assembly/layout.ts CELL_*). */
export const CELLS = ['lstm', 'rnn', 'gru'] as const;
export type CellKind = (typeof CELLS)[number];

export interface TensorSpec {
  name: string;
  shape: number[];
  offset: number; // in floats, into the flat parameter buffer
  size: number;
}

/** Rows per unit: the LSTM stacks four gates (i, f, g, o), the GRU three (r, z, n), the RNN has one. */
export function gateCount(cell: CellKind): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

export function tensorLayout(cell: CellKind, hidden: number): TensorSpec[] {
  const G = gateCount(cell);
  const H = hidden;
  const specs: [string, number[]][] = [
    ['rnn.weight_ih_l0', [G * H, 1]],
    ['rnn.weight_hh_l0', [G * H, H]],
    ['rnn.bias_ih_l0', [G * H]],
    ['rnn.bias_hh_l0', [G * H]],
    ['linear.weight', [1, H]],
    ['linear.bias', [1]],
  ];
  let offset = 0;
  return specs.map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const spec = { name, shape, offset, size };
    offset += size;
    return spec;
  });
}

/** Number of parameters (floats) of a model. */
export function paramCount(cell: CellKind, hidden: number): number {
  const G = gateCount(cell);
  return G * hidden * (hidden + 3) + hidden + 1;
}

export const TENSOR_NAMES = [
  'rnn.weight_ih_l0',
  'rnn.weight_hh_l0',
  'rnn.bias_ih_l0',
  'rnn.bias_hh_l0',
  'linear.weight',
  'linear.bias',
] as const;
