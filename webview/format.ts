/** Numbers as a person reads them in a table: 1 234 567 → "1.23 M". */
export function compact(n: number): string {
  const trim = (s: string) => s.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');
  if (n >= 1e12) return `${trim((n / 1e12).toFixed(2))} T`;
  if (n >= 1e9) return `${trim((n / 1e9).toFixed(2))} G`;
  if (n >= 1e6) return `${trim((n / 1e6).toFixed(2))} M`;
  if (n >= 1e3) return `${trim((n / 1e3).toFixed(1))} k`;
  return String(n);
}

export function percent(x: number | null): string {
  if (x === null) return '—';
  const p = x * 100;
  // 93.75 % must not read as 93.8 %: up to two decimals, as many as the value needs.
  const digits = x > 0 && x < 0.001 ? 3 : Math.abs(p - Math.round(p * 10) / 10) < 1e-9 ? 1 : 2;
  return `${p.toFixed(digits)} %`;
}

export function bytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}
