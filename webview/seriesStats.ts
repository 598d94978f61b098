import { meanStd, type MeanStd } from '../src/core/stats';

export { meanStd, type MeanStd };

/** Groups items by a key, keeping first-seen order of the keys. */
export function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

/** "97.85 % ± 0.12" — accuracy as a percentage, the spread in percentage points. */
export function accuracyText(s: MeanStd): string {
  if (s.n === 0) return '—';
  const m = `${(s.mean * 100).toFixed(2)} %`;
  return s.n > 1 ? `${m} ± ${(s.std * 100).toFixed(2)}` : m;
}
