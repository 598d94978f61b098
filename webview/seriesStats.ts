/** Mean and spread over seeds, the way the experiment charts summarise repeated runs. O(values). */
export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single run. */
  std: number;
  n: number;
}

export function meanStd(values: number[]): MeanStd {
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: 0, n: 0 };
  const mean = xs.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { mean, std: 0, n };
  const ss = xs.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

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
