/**
 * One way to print a fraction as a percentage everywhere a person reads it (notifications, status bar,
 * webview, CLI): one decimal, two when the value needs them, so 93.75 % never reads as 93.8 % in one
 * place and 93.75 % in another. 0.875 → "87.5 %", 0.9375 → "93.75 %", 0.5 → "50.0 %". O(1).
 */
export function percent(x: number | null): string {
  if (x === null) return '—';
  const p = x * 100;
  const digits = x > 0 && x < 0.001 ? 3 : Math.abs(p - Math.round(p * 10) / 10) < 1e-9 ? 1 : 2;
  return `${p.toFixed(digits)} %`;
}
