// Statistics over runs and seeds, shared by sweeps and experiments (browser-safe).

/** The middle value (the mean of the two middle ones for an even count); null for no values. */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The arithmetic mean; NaN for no values. */
export const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** Median, lowest and highest; null for no values. */
export function spread(xs: readonly number[]): { median: number; min: number; max: number } | null {
  if (xs.length === 0) return null;
  return { median: median(xs)!, min: Math.min(...xs), max: Math.max(...xs) };
}
