/**
 * The Moore bound (Cerf, Cowan, Mullin & Stanton, "A lower bound on the average shortest path length in
 * regular graphs", Networks 4, 1974) on the ASPL and diameter of any k-regular graph on n nodes.
 *
 * From any source, at most m_r = k(k−1)^(r−1) nodes lie at distance r (m_0 = 1): each node reached at
 * distance r−1 has at most k−1 unused edges. So
 *   D = smallest d with Σ_{r=0}^{d} m_r ≥ n            (lower bound on the diameter), and
 *   L = [Σ_{r=1}^{D−1} r·m_r + D·(n − Σ_{r=0}^{D−1} m_r)] / (n − 1)   (lower bound on the ASPL),
 * filling every shell as full as the tree allows and putting the remainder at distance D.
 * Example: n = 64 gives L = 2.857 (k=4), 2.333 (k=6), 1.873 (k=8). O(D) time.
 */

export interface MooreBound {
  /** Lower bound on the ASPL (over ordered pairs of distinct nodes). */
  aspl: number;
  /** Lower bound on the diameter. */
  diameter: number;
  /** Lower bound on Σ_{t≠s} dist(s,t) for any one source s: L·(n−1), an integer. */
  sourceSum: number;
}

export function mooreBound(n: number, k: number): MooreBound {
  if (n < 2) return { aspl: 0, diameter: 0, sourceSum: 0 };
  if (k < 1) return { aspl: Infinity, diameter: Infinity, sourceSum: Infinity };
  if (k === 1) {
    // Only K2 is a connected 1-regular graph.
    return n === 2 ? { aspl: 1, diameter: 1, sourceSum: 1 } : { aspl: Infinity, diameter: Infinity, sourceSum: Infinity };
  }
  let reached = 1; // Σ_{r<d} m_r
  let shell = k; // m_d
  let sum = 0;
  for (let d = 1; ; d++) {
    if (reached + shell >= n) {
      sum += d * (n - reached);
      return { aspl: sum / (n - 1), diameter: d, sourceSum: sum };
    }
    sum += d * shell;
    reached += shell;
    shell *= k - 1;
  }
}

/** Gap to the Moore bound in percent: 100·(aspl − L)/L. */
export function mooreGapPct(aspl: number, n: number, k: number): number {
  const l = mooreBound(n, k).aspl;
  return (100 * (aspl - l)) / l;
}
