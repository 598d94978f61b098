/**
 * The topology update of dynamic sparse training, one layer at a time:
 *   RigL (Evci, Gale, Menick, Castro, Elsen, "Rigging the Lottery: Making All Tickets Winners", ICML 2020):
 *     drop the `count` active weights of smallest |w|, grow `count` inactive ones of largest |∂L/∂w|
 *     (the dense gradient of the current mini-batch);
 *   SET (Mocanu et al., "Scalable training of artificial neural networks with adaptive sparse connectivity
 *     inspired by network science", Nature Communications 2018): the same drop, growth at random positions.
 *
 * As in RigL's reference code, positions dropped in this update are candidates for regrowth, and every
 * grown weight starts at exactly 0 (SET draws new weights at random; we start them at 0 like RigL so the
 * two differ only in where they grow). The layer's active count is unchanged, so density is constant.
 * The drop fraction decays by RigL's cosine schedule f(t) = α/2·(1 + cos(πt/T_end)), α = 0.5 by default,
 * and no update happens at or after T_end.
 *
 * Complexity: O(m log m) per layer for m weights (two sorts).
 */
import type { Random } from '../random';

/** RigL's cosine-annealed drop fraction at step t; 0 from T_end on. */
export function cosineDropFraction(step: number, endStep: number, alpha = 0.5): number {
  if (step >= endStep || endStep <= 0) return 0;
  return (alpha / 2) * (1 + Math.cos((Math.PI * step) / endStep));
}

export type GrowthRule = { kind: 'gradient'; gradient: ArrayLike<number> } | { kind: 'random'; rng: Random };

export interface DropGrowResult {
  /** Positions switched off (their weights set to 0). */
  dropped: Int32Array;
  /** Positions switched on, weights set to exactly 0; may include some of `dropped`. */
  grown: Int32Array;
}

/**
 * Updates `mask` and `weights` of one layer in place (both are the caller's training state): drops the
 * `count` smallest-|w| active weights, then grows `count` positions among the now-inactive ones.
 */
export function dropAndGrow(weights: Float32Array, mask: Float32Array, count: number, rule: GrowthRule): DropGrowResult {
  if (weights.length !== mask.length) throw new RangeError(`weights (${weights.length}) and mask (${mask.length}) differ in size`);
  const active: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) active.push(i);
  const inactiveBefore = mask.length - active.length;
  // Growth needs `count` candidates among inactive positions, which after the drop number inactiveBefore + count.
  const n = Math.max(0, Math.min(count, active.length));
  if (n === 0) return { dropped: new Int32Array(0), grown: new Int32Array(0) };

  active.sort((a, b) => Math.abs(weights[a]) - Math.abs(weights[b]) || a - b);
  const dropped = Int32Array.from(active.slice(0, n));
  for (const i of dropped) {
    mask[i] = 0;
    weights[i] = 0;
  }

  const candidates = new Int32Array(inactiveBefore + n);
  let c = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === 0) candidates[c++] = i;
  let grown: Int32Array;
  if (rule.kind === 'gradient') {
    const g = rule.gradient;
    if (g.length !== mask.length) throw new RangeError(`gradient (${g.length}) and mask (${mask.length}) differ in size`);
    const order = Array.from(candidates).sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]) || a - b);
    grown = Int32Array.from(order.slice(0, n));
  } else {
    for (let i = 0; i < n; i++) {
      const j = i + rule.rng.int(candidates.length - i);
      const t = candidates[i];
      candidates[i] = candidates[j];
      candidates[j] = t;
    }
    grown = candidates.slice(0, n);
  }
  for (const i of grown) {
    mask[i] = 1;
    weights[i] = 0;
  }
  return { dropped, grown };
}

/**
 * Weights to drop in a layer with `active` weights at fraction f: the nearest integer to f·active. RigL's code
 * floors instead; with a floor, a layer of 2 active weights (the link MLP's 128→1 output at 98.4 %) never
 * changes, since f < 0.5 after step 0 — and a random start that wires those 2 weights to hidden units without
 * inputs then leaves the whole network dead.
 */
export function dropCount(active: number, fraction: number): number {
  return Math.round(active * fraction);
}
