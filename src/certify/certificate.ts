// The certificate format parity-lstm-certificate/1, written by certify and read by verify.
//
// Claim: the model answers the parity of every string of every length. Argument (docs/certify.md):
//   1. every string of length <= depth is answered right by the model's own float32 inference;
//   2. for every string s with baseFrom <= |s| <= depth, the state after s lies in the region of class(s);
//   3. for every region R and every word w of stepsPerCheck bits, the states of R after w lie in the region of
//      class(R's strings followed by w);
//   4. the float32 read-out has the parity's sign (> 0 odd, <= 0 even) on every region.
// class(s) = (parity(s), the last suffixLength bits of s). Any string of length L >= baseFrom is a string of length
// in [baseFrom, depth] followed by whole words of stepsPerCheck bits (depth = baseFrom + stepsPerCheck - 1), so by
// 2 and 3 its state lies in its class's region, and by 4 its answer is right.
// A region is the parallelotope { center + basis diag(radii) u : |u|_inf <= 1 }, basis row-major n x n, column k
// the k-th direction (n = 2H for the LSTM, state h then c; H for the RNN).

export const CERT_FORMAT = 'parity-lstm-certificate/1';

export interface Region {
  parity: 0 | 1;
  /** The last suffixLength bits of the strings whose states it holds. */
  suffix: string;
  center: number[];
  basis: number[];
  radii: number[];
}

export interface Certificate {
  format: typeof CERT_FORMAT;
  cell: string;
  hiddenSize: number;
  weightsHash: string;
  suffixLength: number;
  stepsPerCheck: number;
  baseFrom: number;
  depth: number;
  /** The float32 error bounds the enclosures assumed (cells.ts ERROR). */
  errorModel: { tanh: number; sigmoid: number; u: number };
  margins: {
    /** Smallest |logit| bound over the regions, on the right side of zero. */
    readout: number;
    /** Smallest 1 - needed/radius over all containment checks (certify's own domain). */
    containment: number;
  };
  regions: Region[];
}

/** Index of class (parity, suffix code) in regions: parity * 2^k + suffix read as a binary number. */
export function classIndex(parity: number, code: number, k: number): number {
  return parity * (1 << k) + code;
}
