/**
 * Exact dense vs pruned parameters and MACs, per layer and in total.
 *
 * The paper scales every count by k/n, which overstates the saving (first/last layers, biases and
 * normalisation stay dense). Here a masked kernel counts its kept entries (from the mask, not by looking
 * for zeros: a weight that happens to be 0 is still a parameter), every other weight counts in full, and
 * MACs follow the conventions of src/core/model/macs.ts with the masked kernel's kept entries.
 */
import type { LayerGraph } from '../model/layerGraph';
import { layerMacs } from '../model/macs';
import type { KernelLayout } from './blockMask';
import type { LayerRole, PrunePlan } from './plan';

export interface LayerCount {
  name: string;
  className: string;
  role: LayerRole;
  reason?: string;
  outputShape: (number | null)[] | null;
  denseParams: number;
  prunedParams: number;
  denseMacs: number | null;
  prunedMacs: number | null;
  /** For a masked layer: kept / total entries of its masked kernel. */
  density?: number;
  /** For a masked layer: [C_in, C_out], the masked kernel's shape and the node count n it is grouped by. */
  masked?: { variable: string; shape: number[]; layout: KernelLayout; cIn: number; cOut: number; n: number; kept: number; total: number };
}

export interface CountTotals {
  denseParams: number;
  prunedParams: number;
  /** 1 − pruned/dense over all parameters of the model. */
  paramsReduction: number;
  denseMacs: number;
  prunedMacs: number;
  macsReduction: number;
  /** false when some layer's MACs are unknown (then the MAC totals cover the known layers only). */
  macsComplete: boolean;
  /** Over the masked kernels only: 1 − kept/total — the ratio actually achieved where masks apply. */
  maskedKernelRatio: number;
}

/** `kept` maps a masked layer name to the kept entry count of its kernel (from applyBlockMask). */
export function countPruned(graph: LayerGraph, plan: PrunePlan, kept: ReadonlyMap<string, number>): { layers: LayerCount[]; totals: CountTotals } {
  const decisions = new Map(plan.decisions.map((d) => [d.layer, d]));
  const targets = new Map(plan.targets.map((t) => [t.layer, t]));
  let maskedTotal = 0;
  let maskedKept = 0;
  const layers = graph.layers.map((l): LayerCount => {
    const d = decisions.get(l.name);
    const t = targets.get(l.name);
    const row: LayerCount = {
      name: l.name,
      className: l.className,
      role: d?.role ?? 'not-maskable',
      ...(d?.reason ? { reason: d.reason } : {}),
      outputShape: l.outputShape,
      denseParams: l.params,
      prunedParams: l.params,
      denseMacs: l.macs,
      prunedMacs: l.macs,
    };
    if (t) {
      const k = kept.get(l.name);
      if (k === undefined) throw new Error(`internal: no kept count for masked layer ${l.name}`);
      const total = t.weight.elements;
      maskedTotal += total;
      maskedKept += k;
      row.prunedParams = l.params - total + k;
      row.prunedMacs =
        l.maskable !== undefined
          ? l.macs === null || l.kernelPositions == null ? null : l.macs - (total - k) * l.kernelPositions
          : l.known ? layerMacs(l.className, l.inputShapes[0] ?? null, l.outputShape, (v) => (v === t.variable ? k : l.weights.find((w) => w.variable === v)?.elements)) : null;
      row.density = k / total;
      row.masked = { variable: t.variable, shape: t.shape, layout: t.layout, cIn: t.cIn, cOut: t.cOut, n: t.n, kept: k, total };
    }
    return row;
  });
  // Weights no layer claims are still stored and loaded: they count, unchanged.
  const unassigned = graph.weightIndex.unassigned.reduce((s, w) => s + w.elements, 0);
  const denseParams = layers.reduce((s, r) => s + r.denseParams, 0) + unassigned;
  const prunedParams = layers.reduce((s, r) => s + r.prunedParams, 0) + unassigned;
  const denseMacs = layers.reduce((s, r) => s + (r.denseMacs ?? 0), 0);
  const prunedMacs = layers.reduce((s, r) => s + (r.prunedMacs ?? 0), 0);
  return {
    layers,
    totals: {
      denseParams,
      prunedParams,
      paramsReduction: denseParams > 0 ? 1 - prunedParams / denseParams : 0,
      denseMacs,
      prunedMacs,
      macsReduction: denseMacs > 0 ? 1 - prunedMacs / denseMacs : 0,
      macsComplete: layers.every((r) => r.denseMacs !== null),
      maskedKernelRatio: maskedTotal > 0 ? 1 - maskedKept / maskedTotal : 0,
    },
  };
}
