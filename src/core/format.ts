// Numbers as people read them, one formatter per quantity, shared by the CLI's display, the experiment reports and
// the experiment CLI (browser-safe). Anything not a finite number reads "—".

/**
 * 1234567 -> "1,234,567". The same text as toLocaleString('en-US'), grouped by hand for safe integers: the first
 * toLocaleString of a process loads ICU's number data (about 25 ms here), which every CLI command paid.
 */
export const int = (n: number): string => {
  const r = Math.round(n);
  if (!Number.isSafeInteger(r) || Object.is(r, -0)) return r.toLocaleString('en-US');
  const digits = String(Math.abs(r)).replace(/\B(?=(\d{3})+$)/g, ',');
  return r < 0 ? '-' + digits : digits;
};

/** 0.9876 -> "98.8%" (exactly 1 -> "100%" only when it is exactly 1, so 99.96% never reads as 100%). */
export function pct(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 1) return '100%';
  const s = (x * 100).toFixed(1);
  return (s === '100.0' ? '99.9' : s) + '%';
}

/** A loss: 0.6931, and scientific below 0.001 (2.35e-4), where four decimals would read as 0. */
export function loss(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(2);
  return x.toFixed(4);
}

/** A duration: "0.42 s", "12.3 s", "4 min 05 s", "1 h 02 min". */
export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s) || s < 0) return '—';
  // The bounds are where rounding would carry: 9.996 reads "10.0 s", not "10.00 s"; 59.97 reads "1 min 00 s".
  if (s < 9.995) return `${s.toFixed(2)} s`;
  if (s < 59.95) return `${s.toFixed(1)} s`;
  const whole = Math.max(60, Math.floor(s));
  const m = Math.floor(whole / 60);
  if (m < 60) return `${m} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/**
 * A bit string for display in at most about `max` characters: short ones whole, strings of a few runs as runs
 * ("1 0^120", the shape of most counterexamples), others as "0110…1011 (1,000 bits)".
 */
export function bits(s: string, max = 40): string {
  if (s.length <= max) return s;
  const runs = s.match(/0+|1+/g) ?? [];
  const asRuns = runs.map((r) => (r.length === 1 ? r : `${r[0]}^${r.length}`)).join(' ');
  if (asRuns.length <= max) return asRuns;
  const label = ` (${int(s.length)} bits)`;
  const keep = Math.max(4, max - label.length - 1);
  const head = Math.ceil(keep / 2);
  return `${s.slice(0, head)}…${s.slice(s.length - (keep - head))}${label}`;
}
