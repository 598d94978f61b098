/**
 * Which saved optimizer variables are the per-weight state (Adam's moments, SGD's momentum) of which
 * weight, so a pruned file can zero that state where the weight was zeroed.
 *
 * Why zero rather than keep or drop: the moments of a pruned weight remember gradients of a connection
 * that no longer exists; kept, they push the zeroed weight straight back on the first step of resumed
 * training (Keras does not know the mask). Dropping the optimizer group changes the file's structure and
 * Keras then warns or refuses to restore the rest of the state. Zeroing the moments at pruned positions
 * keeps the file whole and makes each pruned entry look like a fresh, never-updated weight. The counter
 * (`iterations`), learning rate and every other entry are left exactly as saved.
 *
 * Keras writes no names it would be safe to parse for this (Keras 3: `optimizer/vars/<i>`; legacy .h5:
 * `Adam/dense/kernel/m:0` in 2.10 but `Variable_104:0` in 2.0.5), so the match is by structure: after some
 * leading scalars (iterations, learning rate), S slot variables per trainable weight, either interleaved
 * (m₀ v₀ m₁ v₁ …, Keras 3) or in blocks (m₀ m₁ … v₀ v₁ …, tf.keras 2), with every shape equal to its
 * weight's. Only a layout in which every shape agrees is accepted; otherwise the state is kept as saved
 * and the report says so.
 */
export interface SlotVariable {
  path: string;
  shape: number[];
}

export interface SlotMatch {
  /** Weight index (in the given trainable order) → its slot variables' paths. */
  slots: Map<number, string[]>;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The slot layout that fits, or null. `trainable` are the model's trainable weights in Keras' order
 * (layer order, each layer's own order); `vars` the optimizer's variables in saved order.
 */
export function matchOptimizerSlots(trainable: readonly { shape: number[] }[], vars: readonly SlotVariable[]): SlotMatch | null {
  const t = trainable.length;
  if (t === 0) return null;
  for (const s of [2, 1, 3]) {
    const lead = vars.length - s * t;
    if (lead < 0 || !vars.slice(0, lead).every((v) => v.shape.length === 0)) continue;
    for (const interleaved of [true, false]) {
      const at = (w: number, k: number) => lead + (interleaved ? w * s + k : k * t + w);
      let ok = true;
      for (let w = 0; w < t && ok; w++) for (let k = 0; k < s && ok; k++) ok = sameShape(vars[at(w, k)].shape, trainable[w].shape);
      if (!ok) continue;
      const slots = new Map<number, string[]>();
      for (let w = 0; w < t; w++) slots.set(w, Array.from({ length: s }, (_, k) => vars[at(w, k)].path));
      return { slots };
    }
  }
  return null;
}
