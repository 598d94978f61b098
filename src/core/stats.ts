/**
 * Mean and spread over repeated runs (seeds): what every experiment table and chart reports. O(values).
 */

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single run, NaN for none. */
  std: number;
  /** Finite values counted; non-finite ones (a missing metric) are left out. */
  n: number;
}

export function meanStd(values: readonly number[]): MeanStd {
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: NaN, n: 0 };
  const mean = xs.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}
