/** Numbers as a person reads them in a table: 1 234 567 → "1.23 M". */
export function compact(n: number): string {
  const trim = (s: string) => s.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');
  if (n >= 1e12) return `${trim((n / 1e12).toFixed(2))} T`;
  if (n >= 1e9) return `${trim((n / 1e9).toFixed(2))} G`;
  if (n >= 1e6) return `${trim((n / 1e6).toFixed(2))} M`;
  if (n >= 1e3) return `${trim((n / 1e3).toFixed(1))} k`;
  return String(n);
}

/** The one percentage format of the extension, the CLI and the webview (src/core/percent.ts). */
export { percent } from '../src/core/percent';

export function bytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** "1 run", "3 runs": a count with its noun in the right number. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}
