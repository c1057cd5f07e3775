// Numbers as people read them, shared by the CLI's display and the experiment reports (browser-safe).

/** 1234567 -> "1,234,567" */
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** 0.9876 -> "98.8%" (exactly 1 -> "100%" only when it is exactly 1, so 99.96% never reads as 100%). */
export function pct(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 1) return '100%';
  const s = (x * 100).toFixed(1);
  return (s === '100.0' ? '99.9' : s) + '%';
}
