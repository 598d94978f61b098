/**
 * The pruning plan: which layers RGP masks, with which kernel, and whether n groups fit them.
 *
 * Maskable (RGP masks every "relational" layer): Dense, Conv1D/Conv2D (3×3, 1×1, ResNet shortcut convs;
 * not grouped convs, whose kernels only connect within a group) and the pointwise kernel of
 * SeparableConv2D. Never masked: depthwise kernels (one filter per channel, nothing to connect),
 * normalisation, embeddings, biases, unknown classes.
 *
 * First and last: a maskable layer with no maskable layer upstream is an entry layer (the stem conv of a
 * CNN, the input Dense of an MLP); one with none downstream is an exit layer (the classifier). RGP keeps
 * both dense by default — their C_in (image channels) or C_out (classes) is tiny, and they hold few
 * weights — `keepFirst` / `keepLast` false masks them too. `keepDense` names further layers to leave alone.
 *
 * Every masked layer must split into n non-empty groups on both sides: n ≤ min(C_in, C_out).
 *
 * Choosing n (`groups` left out): n = min(64, the narrowest masked layer's channels), counted over the
 * layers without their own n — RGP's n = 64 wherever it fits, and the widest n that fits otherwise, so a
 * small CNN with 10-channel convs prunes without the user finding the option first. The plan says it chose
 * (`nChosen`); a given n always wins and is checked as before.
 *
 * Per-layer n (`groupsPerLayer`): RGP shares one adjacency across all masked layers, which needs every
 * masked layer to have at least n channels on both sides. A layer narrower than the global n (or one the
 * user wants grouped more finely or coarsely) can name its own n; every distinct n gets its own graph
 * (see src/jobs/pruneModel.ts), and layers without an override keep the global n and the main graph.
 * An override may only name a layer this plan masks: naming a dense or unknown layer would silently do
 * nothing, so it is an error.
 */
import { RgpError } from '../errors';
import type { LayerGraph, LayerNode } from '../model/layerGraph';
import type { WeightLocation } from '../model/weightIndex';
import { kernelGeometry, type InputPart, type KernelLayout } from './blockMask';

/** RGP's node count, used whenever every masked layer is at least this wide. */
export const DEFAULT_GROUPS = 64;

export interface PlanOptions {
  /** Node count n (groups per layer side); undefined: min(64, the narrowest masked layer's channels). */
  groups?: number;
  keepFirst: boolean;
  keepLast: boolean;
  keepDense: readonly string[];
  /** Layer name → its own node count n (overrides `groups` for that layer). */
  groupsPerLayer?: Readonly<Record<string, number>>;
}

export interface MaskTarget {
  layer: string;
  className: string;
  /** The kernel masked: `kernel`, or `pointwise_kernel` for SeparableConv2D. */
  variable: string;
  weight: WeightLocation;
  /** Where the kernel keeps C_in and C_out (Keras 'taps-in-out', ONNX 'out-in-taps'). */
  layout: KernelLayout;
  shape: number[];
  taps: number;
  cIn: number;
  cOut: number;
  /** The node count this layer is grouped by: `groups`, or its override. */
  n: number;
  /** How the kernel's input axis is made when not one producer's channels (a Concat's parts, a Flatten). */
  inputParts?: InputPart[];
}

export type LayerRole = 'masked' | 'first' | 'last' | 'kept' | 'not-maskable' | 'no-weights';

export interface LayerDecision {
  layer: string;
  className: string;
  role: LayerRole;
  /** Why a maskable-looking layer stays dense (first/last/kept by option/unsupported variant). */
  reason?: string;
}

export interface PrunePlan {
  /** The main node count: the global n when a masked layer uses it, else the first masked layer's n. */
  n: number;
  /** Every distinct n of the masked layers, the main n first, the others ascending. */
  groupCounts: number[];
  targets: MaskTarget[];
  decisions: LayerDecision[];
  /** True when n was chosen from the layers' widths (no `groups` given). */
  nChosen?: boolean;
}

/** The kernel variable RGP would mask in a layer, or a reason it cannot. */
type Candidate = { variable: string; layout?: KernelLayout; inputParts?: InputPart[] } | { reason: string } | null;

function maskableKernel(l: LayerNode): Candidate {
  if (l.maskable !== undefined) return l.maskable;
  switch (l.className) {
    case 'Dense':
      return { variable: 'kernel' };
    case 'Conv1D':
    case 'Conv2D': {
      const groups = typeof l.config.groups === 'number' ? l.config.groups : 1;
      return groups === 1 ? { variable: 'kernel' } : { reason: `grouped convolution (groups=${groups})` };
    }
    case 'SeparableConv2D':
      return { variable: 'pointwise_kernel' };
  }
  return null;
}

export function planPruning(graph: LayerGraph, opts: PlanOptions): PrunePlan {
  // Checked with a placeholder when n is to be chosen; the real n replaces it once the widths are known.
  let n = opts.groups ?? DEFAULT_GROUPS;
  if (!Number.isInteger(n) || n < 2) {
    throw new RgpError('BAD_ARGUMENT', `The node count n (--groups) must be an integer ≥ 2, got ${n}.`, 'RGP uses n = 64; use a smaller n for narrow layers.');
  }
  for (const name of opts.keepDense) {
    if (!graph.byName.has(name)) throw new RgpError('BAD_ARGUMENT', `There is no layer named "${name}" to keep dense.`, `Layer names: ${graph.layers.map((l) => l.name).slice(0, 20).join(', ')}.`);
  }
  // Own properties only, so a layer called "constructor" or "toString" never picks up Object's members.
  const overrides = new Map(Object.entries(opts.groupsPerLayer ?? {}));
  const candidate = new Map<string, Candidate>();
  for (const l of graph.layers) candidate.set(l.name, maskableKernel(l));
  const isCand = (name: string) => {
    const c = candidate.get(name);
    return c !== null && c !== undefined && 'variable' in c;
  };

  // Maskable layers up/downstream, propagated along the DAG (layers are in topological order).
  const up = new Map<string, boolean>();
  for (const l of graph.layers) up.set(l.name, l.inbound.some((s) => isCand(s) || up.get(s)));
  const consumers = new Map<string, string[]>();
  for (const l of graph.layers) for (const s of l.inbound) consumers.set(s, [...(consumers.get(s) ?? []), l.name]);
  const down = new Map<string, boolean>();
  for (const l of [...graph.layers].reverse()) down.set(l.name, (consumers.get(l.name) ?? []).some((c) => isCand(c) || down.get(c)));

  const targets: MaskTarget[] = [];
  const decisions: LayerDecision[] = [];
  for (const l of graph.layers) {
    const c = candidate.get(l.name);
    const base = { layer: l.name, className: l.className };
    if (c === null || c === undefined) {
      decisions.push({ ...base, role: l.params > 0 ? 'not-maskable' : 'no-weights' });
      continue;
    }
    if ('reason' in c) {
      decisions.push({ ...base, role: 'not-maskable', reason: c.reason });
      continue;
    }
    if (!up.get(l.name) && opts.keepFirst) {
      decisions.push({ ...base, role: 'first', reason: 'first maskable layer (kept dense; mask it with --mask-first)' });
      continue;
    }
    if (!down.get(l.name) && opts.keepLast) {
      decisions.push({ ...base, role: 'last', reason: 'last maskable layer (kept dense; mask it with --mask-last)' });
      continue;
    }
    if (opts.keepDense.includes(l.name)) {
      decisions.push({ ...base, role: 'kept', reason: 'kept dense by option' });
      continue;
    }
    const weight = l.weights.find((w) => w.variable === c.variable);
    if (!weight) throw new RgpError('BAD_MODEL', `Layer "${l.name}" (${l.className}) has no ${c.variable} in the weights manifest.`, 'Re-export the model; its weights are incomplete.');
    if (weight.spec.dtype !== 'float32' || weight.spec.quantization) {
      const what = weight.spec.quantization ? `quantized to ${weight.spec.quantization.dtype}` : `stored as ${weight.spec.dtype}`;
      throw new RgpError(
        'UNSUPPORTED',
        `Layer "${l.name}" has its ${c.variable} ${what}; RGP masks float32 weights, whose pruned entries become exact zeros.`,
        `Re-export the model without quantization (tensorflowjs_converter without --quantize_*), or keep the layer dense with --keep-dense ${l.name}.`,
      );
    }
    const layout = c.layout ?? 'taps-in-out';
    const g = kernelGeometry(weight.spec.shape, layout);
    targets.push({ layer: l.name, className: l.className, variable: c.variable, weight, layout, shape: [...weight.spec.shape], ...g, n: overrides.get(l.name) ?? n, ...(c.inputParts ? { inputParts: c.inputParts } : {}) });
    decisions.push({ ...base, role: 'masked' });
  }

  if (targets.length === 0) {
    throw new RgpError(
      'BAD_ARGUMENT',
      `No layer of this model would be masked: ${decisions.filter((d) => d.reason).map((d) => `${d.layer} (${d.reason})`).join(', ') || 'it has no Dense or Conv layers'}.`,
      'Allow the first/last layers to be masked (--mask-first / --mask-last), or prune a model with hidden Dense/Conv layers.',
    );
  }
  checkOverrides(graph, overrides, targets, decisions);
  const nChosen = opts.groups === undefined;
  if (nChosen) {
    const global = targets.filter((t) => !overrides.has(t.layer));
    const widest = global.length ? Math.min(DEFAULT_GROUPS, ...global.map((t) => Math.min(t.cIn, t.cOut))) : DEFAULT_GROUPS;
    if (widest >= 2) {
      n = widest;
      for (const t of global) t.n = n;
    }
  }
  // A layer reading a Concat groups each concatenated part on its own (blockMask.InputPart); a part
  // narrower than n would have empty groups, so the consumer's n groups cannot line up with the layers
  // that produced its input: that layer alone stays dense, named. A Flatten of fewer channels than n (one
  // part) is split plainly over its features instead, as a Dense after a Flatten always was.
  for (const t of [...targets]) {
    const parts = t.inputParts ?? [];
    const narrow = parts.filter((p) => p.channels < t.n);
    if (narrow.length === 0) continue;
    if (parts.length === 1) {
      delete t.inputParts;
      continue;
    }
    const why = `it reads a Concat of ${parts.map((p) => p.channels).join(' + ')} channels; the part of ${narrow[0].channels} channels cannot be split into n = ${t.n} groups, so the groups cannot line up with the layers that produced them`;
    if (overrides.has(t.layer)) {
      throw new RgpError('BAD_ARGUMENT', `Layer "${t.layer}" cannot use its own node count n = ${t.n}: ${why}.`, `Give it n = ${Math.min(...parts.map((p) => p.channels))} or less (--layer-groups), or keep it dense (--keep-dense).`);
    }
    targets.splice(targets.indexOf(t), 1);
    const d = decisions.find((x) => x.layer === t.layer)!;
    d.role = 'not-maskable';
    d.reason = why;
  }
  if (targets.length === 0) {
    throw new RgpError('BAD_ARGUMENT', `No layer of this model would be masked: ${decisions.filter((d) => d.reason).map((d) => `${d.layer} (${d.reason})`).join(', ')}.`, 'Use a smaller n (--groups).');
  }
  const tooNarrow = targets.filter((t) => Math.min(t.cIn, t.cOut) < t.n);
  if (tooNarrow.length > 0) {
    const narrowest = tooNarrow.reduce((a, b) => (Math.min(b.cIn, b.cOut) < Math.min(a.cIn, a.cOut) ? b : a));
    const global = targets.filter((t) => !overrides.has(t.layer));
    const maxN = Math.min(...global.map((t) => Math.min(t.cIn, t.cOut)));
    const names = tooNarrow.map((t) => t.layer);
    throw new RgpError(
      'BAD_ARGUMENT',
      `n = ${n} groups is more than layer "${narrowest.layer}" has channels (C_in = ${narrowest.cIn}, C_out = ${narrowest.cOut})` +
        (tooNarrow.length > 1 ? `; also too narrow: ${tooNarrow.filter((t) => t !== narrowest).map((t) => t.layer).join(', ')}` : '') +
        '. Every masked layer needs at least one channel per group on both sides.',
      `Use --groups ${maxN} or fewer, give the narrow layers their own n (--layer-groups ${tooNarrow.map((t) => `${t.layer}=${Math.min(t.cIn, t.cOut)}`).join(',')}), ` +
        `or keep ${names.join(', ')} dense (--keep-dense).`,
    );
  }
  const used = [...new Set(targets.map((t) => t.n))];
  const main = used.includes(n) ? n : targets[0].n;
  const groupCounts = [main, ...used.filter((m) => m !== main).sort((a, b) => a - b)];
  return { n: main, groupCounts, targets, decisions, nChosen };
}

/** Each override names a masked layer and an n that splits both of its sides into non-empty groups. */
function checkOverrides(graph: LayerGraph, overrides: ReadonlyMap<string, number>, targets: MaskTarget[], decisions: LayerDecision[]): void {
  const masked = targets.map((t) => t.layer);
  const maskedList = `Layers this pruning masks: ${masked.slice(0, 20).join(', ')}${masked.length > 20 ? ', …' : ''}.`;
  for (const [name, value] of overrides) {
    if (!graph.byName.has(name)) throw new RgpError('BAD_ARGUMENT', `There is no layer named "${name}" to give its own node count n (--layer-groups).`, maskedList);
    const t = targets.find((x) => x.layer === name);
    if (!t) {
      const d = decisions.find((x) => x.layer === name);
      const why = d?.reason ?? (d?.role === 'no-weights' ? 'it has no weights' : 'it is not a maskable layer');
      throw new RgpError('BAD_ARGUMENT', `Layer "${name}" is not masked (${why}), so it cannot have its own node count n (--layer-groups).`, maskedList);
    }
    const maxN = Math.min(t.cIn, t.cOut);
    if (!Number.isInteger(value) || value < 2 || value > maxN) {
      throw new RgpError(
        'BAD_ARGUMENT',
        `The node count n = ${value} for layer "${name}" must be an integer from 2 to ${maxN} (C_in = ${t.cIn}, C_out = ${t.cOut}).`,
        `Use --layer-groups ${name}=${maxN} or less; every group needs at least one channel on both sides.`,
      );
    }
  }
}
