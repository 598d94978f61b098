/**
 * Which kernels a training run masks and with what: from a regular graph (RGP's plan: every maskable
 * layer's channels in n groups, Mask[…, i, o] = A[group(i), group(o)], see src/core/prune), from a pruned
 * model's masks.json, or nothing (the dense baseline). Also the exact dense vs kept parameters and MACs
 * through the same counting code as `rgp prune` (src/core/prune/counting.ts), so the numbers agree.
 * O(total masked kernel entries) to build the 0/1 masks.
 */
import type { LayerGraph } from '../model/layerGraph';
import { blockAdjacency, kernelGeometry, kernelMask, neighbourLists } from '../prune/blockMask';
import { countPruned } from '../prune/counting';
import { buildMaskFile, type LoadedMasks, type MaskFile } from '../prune/maskFile';
import type { MaskTarget, PrunePlan } from '../prune/plan';
import { RgpError } from '../errors';
import type { KernelMaskSpec } from './maskBinding';
import { asplOfNeighbours, type MaskGraph } from './maskGraph';
import type { GraphKind } from './results';

export interface MaskPlan {
  graph: GraphKind;
  n?: number;
  k?: number;
  aspl?: number;
  /** 1 − kept/n of the graph (k/n, or (k+1)/n with self-loops; 0 for dense). */
  ratio: number;
  kernels: Array<KernelMaskSpec & { layer: string; kept: number; total: number }>;
  params: { dense: number; kept: number };
  macs: { dense: number; kept: number };
  /** What to write as masks.json next to a trained model (absent for dense). */
  maskFile?: MaskFile;
}

function ones(mask: Float32Array): number {
  let kept = 0;
  for (let i = 0; i < mask.length; i++) kept += mask[i]!;
  return kept;
}

function counted(layerGraph: LayerGraph, plan: PrunePlan, kept: Map<string, number>): Pick<MaskPlan, 'params' | 'macs'> {
  const { totals } = countPruned(layerGraph, plan, kept);
  return { params: { dense: totals.denseParams, kept: totals.prunedParams }, macs: { dense: totals.denseMacs, kept: totals.prunedMacs } };
}

export function densePlan(layerGraph: LayerGraph): MaskPlan {
  return { graph: 'dense', ratio: 0, kernels: [], ...counted(layerGraph, { n: 0, groupCounts: [], targets: [], decisions: [] }, new Map()) };
}

/** Masks every target of `plan` (planPruning with one n for all layers) by the graph's adjacency. */
export function planFromGraph(layerGraph: LayerGraph, plan: PrunePlan, g: MaskGraph): MaskPlan {
  if (plan.groupCounts.length !== 1 || plan.n !== g.n) throw new Error(`internal: the plan groups by ${plan.groupCounts.join(', ')}, the graph has n = ${g.n}`);
  const neighbours = neighbourLists(g.n, g.k, g.adjacency);
  const adj = blockAdjacency(neighbours, false);
  const kept = new Map<string, number>();
  const kernels = plan.targets.map((t) => {
    const mask = kernelMask(t.shape, adj);
    const k = ones(mask);
    kept.set(t.layer, k);
    return { layer: t.layer, weight: t.weight.spec.name, shape: t.shape, mask, kept: k, total: t.weight.elements };
  });
  const maskFile = buildMaskFile(
    false,
    [{ n: g.n, k: g.k, neighbours }],
    plan.targets.map((t) => ({ layer: t.layer, n: t.n, weight: t.weight.spec.name, variable: t.variable, shape: t.shape, kept: kept.get(t.layer)!, total: t.weight.elements })),
  );
  return { graph: g.kind, n: g.n, k: g.k, aspl: g.aspl, ratio: 1 - g.k / g.n, kernels, ...counted(layerGraph, plan, kept), maskFile };
}

/**
 * The masks of a pruned model folder. The file does not say how its graph was made; `rgp prune` searches
 * it, so the kind is reported as 'searched'. Each listed kernel must exist in the model with that shape.
 */
export function planFromMaskFile(layerGraph: LayerGraph, loaded: LoadedMasks): MaskPlan {
  const file = loaded.file;
  const main = file.version === 1 ? { n: file.n, k: file.k, neighbours: file.neighbours } : file.graphs[0]!;
  const targets: MaskTarget[] = [];
  const kept = new Map<string, number>();
  const kernels = file.layers.map((entry) => {
    const node = layerGraph.byName.get(entry.layer);
    const weight = node?.weights.find((w) => w.spec.name === entry.weight || w.variable === entry.variable);
    if (!node || !weight) {
      throw new RgpError('BAD_MODEL', `masks.json masks "${entry.weight}" of layer "${entry.layer}", which this model does not have.`, 'Keep masks.json with the model it was written for, or give --ratio to build new masks.');
    }
    const shape = weight.spec.shape;
    if (shape.length !== entry.shape.length || shape.some((d, i) => d !== entry.shape[i])) {
      throw new RgpError('BAD_MODEL', `masks.json gives "${entry.weight}" shape [${entry.shape.join(', ')}], the model [${shape.join(', ')}].`, 'Keep masks.json with the model it was written for.');
    }
    const mask = loaded.maskFor(entry);
    const k = ones(mask);
    kept.set(entry.layer, k);
    const layout = entry.layout ?? 'taps-in-out';
    targets.push({ layer: entry.layer, className: node.className, variable: weight.variable, weight, layout, shape: [...shape], ...kernelGeometry(shape, layout), n: entry.n ?? main.n });
    return { layer: entry.layer, weight: weight.spec.name, shape: [...shape], mask, kept: k, total: weight.elements };
  });
  const plan: PrunePlan = {
    n: main.n,
    groupCounts: [...new Set(targets.map((t) => t.n))],
    targets,
    decisions: layerGraph.layers.map((l) => ({ layer: l.name, className: l.className, role: kept.has(l.name) ? 'masked' : l.params > 0 ? 'kept' : 'no-weights' })),
  };
  return {
    graph: 'searched',
    n: main.n,
    k: main.k,
    aspl: asplOfNeighbours(main.neighbours),
    ratio: 1 - (main.k + (file.selfLoops ? 1 : 0)) / main.n,
    kernels,
    ...counted(layerGraph, plan, kept),
    maskFile: file,
  };
}
