/**
 * One way to print a fraction as a percentage everywhere a person reads it (notifications, status bar,
 * webview, CLI): up to two decimals, as many as the value needs, so 93.75 % never reads as 93.8 % in one
 * place and 93.75 % in another. 0.875 → "87.5 %", 0.9375 → "93.75 %", 0.5 → "50 %". O(1).
 */
export function percent(x: number | null): string {
  if (x === null) return '—';
  const p = x * 100;
  if (x > 0 && x < 0.001) return `${p.toFixed(3)} %`;
  return `${Number(p.toFixed(2))} %`;
}
