/**
 * The autotuner: per masked layer, time every realization (and the dense layer, for reference) on the
 * layer's real input shape at the given batch in onnxruntime-node, and pick the fastest — the way cuDNN
 * picks a convolution algorithm. Each layer is timed alone in a one-layer model (same session options as
 * the whole model), forms interleaved, median of the repeats. A few seconds for a ResNet-18; cancellable
 * between runs.
 */
import type { onnx } from 'onnx-proto';
import type { CancelSignal } from '../../core/job';
import type { CompactForm } from './compactLayer';
import { EXPAND_DENSE_MIN_OPSET, floatTensor, int64Tensor } from './compactLayer';
import { compactModel, floatWeights, formsFor, modelOpset, realizeSite, type MaskedSite } from './compactModel';
import { perImageCompact, perImageObstacle } from './perImage';
import { encodeModel } from './proto';
import { inputShape, measureLatency, onnxRuntime, seededInput, sessionOptions, type BenchModel, type LatencySample } from './latency';

export interface LayerTiming {
  layer: string;
  /** The layer's input shape at the tuning batch. */
  inputShape: number[];
  /** The dense layer's median ms, for reference; null for a layer above DENSE_REFERENCE_MAX_WEIGHTS. */
  denseMs: number | null;
  /** Median ms of each realization. */
  formsMs: Partial<Record<CompactForm, number>>;
  best: CompactForm;
}

export interface TuneOptions {
  batch: number;
  threads: number;
  warmup?: number;
  repeats?: number;
  seed?: number;
  signal?: CancelSignal;
  onProgress?: (fraction: number, message: string) => void;
}

const FLOAT = 1;

/**
 * Largest dense kernel (float32 weights) the tuner also times as a reference. Timing a dense layer means
 * encoding it into a one-layer model and loading it into a session: twice its weights in memory, which for
 * the big layers of a 100 M-parameter model pushed writing the compact model past 2× the weights. The
 * reference is informational, so large layers go without it, and without 'expand-dense' (which loads as the
 * dense kernel: the choice that stands for leaving a layer dense).
 */
export const DENSE_REFERENCE_MAX_WEIGHTS = 1 << 22;

/** Float initializers at least this large are stood in for by ConstantOfShape in the shape probe. */
const PROBE_STAND_IN_FLOATS = 1 << 14;

/**
 * Every masked layer's input shape at `batch`, by running the (masked) model once with them as extra outputs.
 * Shapes do not depend on weight values, so the probe replaces every large float initializer with a
 * ConstantOfShape node of its shape: the probe file is a few kB instead of the whole model, and onnxruntime
 * (graph optimisations off, so nothing folds the stand-ins back into initializers) materialises one weight
 * at a time while it runs. Encoding and loading the full model here cost 2× its weights at 100 M parameters.
 */
export async function layerInputShapes(model: onnx.IModelProto, sites: MaskedSite[], batch: number, threads: number, seed: number): Promise<Map<MaskedSite, number[]>> {
  const g = model.graph!;
  const names = [...new Set(sites.map((s) => (s.node.input ?? [])[0]))];
  const declared = new Set((g.output ?? []).map((o) => o.name));
  const standIns: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  for (const t of g.initializer ?? []) {
    const dims = (t.dims ?? []).map(Number);
    const count = dims.reduce((a, d) => a * d, 1);
    if (t.dataType !== FLOAT || count < PROBE_STAND_IN_FLOATS || !t.name) {
      initializer.push(t);
      continue;
    }
    const shapeName = `${t.name}::rgp-probe-shape`;
    initializer.push(int64Tensor(shapeName, dims));
    standIns.push({ opType: 'ConstantOfShape', name: `${t.name}::rgp-probe`, input: [shapeName], output: [t.name] });
  }
  const probe: onnx.IModelProto = {
    ...model,
    graph: {
      ...g,
      node: [...standIns, ...(g.node ?? [])],
      initializer,
      // A stand-in's output must not also be declared as a graph input (older exporters list initializers there).
      input: (g.input ?? []).filter((v) => !standIns.some((n) => n.output![0] === v.name)),
      output: [...(g.output ?? []), ...names.filter((n) => !declared.has(n)).map((name) => ({ name, type: { tensorType: { elemType: FLOAT } } }))],
    },
  };
  const input = inputShape(model, batch);
  const ort = onnxRuntime();
  const s = await ort.InferenceSession.create(encodeModel(probe), { ...sessionOptions(threads), graphOptimizationLevel: 'disabled' });
  try {
    const out = await s.run({ [input.name]: new ort.Tensor('float32', seededInput(input.dims, seed), input.dims) }, names);
    return new Map(sites.map((site) => [site, out[(site.node.input ?? [])[0]].dims.map(Number)]));
  } finally {
    await s.release();
  }
}

function oneLayerModel(model: onnx.IModelProto, site: MaskedSite, dims: number[], nodes: onnx.INodeProto[], inits: onnx.ITensorProto[]): Uint8Array {
  const x = (site.node.input ?? [])[0];
  const y = (site.node.output ?? [])[0];
  const extra: onnx.ITensorProto[] = [];
  if (site.bias) extra.push(floatTensor(site.bias, [site.kernel.cOut], new Float32Array(site.kernel.cOut)));
  const m: onnx.IModelProto = {
    irVersion: model.irVersion,
    opsetImport: model.opsetImport,
    producerName: 'rgp-autotune',
    graph: {
      name: 'layer',
      node: nodes,
      initializer: [...inits, ...extra],
      input: [{ name: x, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } }],
      output: [{ name: y, type: { tensorType: { elemType: FLOAT } } }],
    },
  };
  return encodeModel(m);
}

/** Times the dense layer and every realization of each site; returns the per-layer timings and picks. */
export async function autotune(model: onnx.IModelProto, sites: MaskedSite[], opts: TuneOptions): Promise<Map<MaskedSite, LayerTiming>> {
  const seed = opts.seed ?? 1;
  const shapes = await layerInputShapes(model, sites, opts.batch, opts.threads, seed);
  const opset = modelOpset(model);
  const weights = new Map((model.graph!.initializer ?? []).map((t) => [t.name, t]));
  const result = new Map<MaskedSite, LayerTiming>();
  for (let i = 0; i < sites.length; i++) {
    const site = sites[i];
    opts.signal?.throwIfCancelled();
    const dims = shapes.get(site)!;
    const input = { name: (site.node.input ?? [])[0], dims };
    const denseNode: onnx.INodeProto = { ...site.node, input: (site.node.input ?? []).slice() };
    const withDense = site.kernel.data.length <= DENSE_REFERENCE_MAX_WEIGHTS;
    const models: BenchModel[] = withDense ? [{ name: 'dense', bytes: oneLayerModel(model, site, dims, [denseNode], [weights.get(site.entry.weight)!]), input }] : [];
    // 'expand-dense' loads as the dense kernel: beyond the dense reference's size it costs the memory that
    // skipping the reference saves, for a form that could only tie with dense there.
    const forms = formsFor(site, opset).filter((f) => withDense || f !== 'expand-dense');
    for (const form of forms) {
      const r = realizeSite(site, form, opset, `rgp/tune${i}`);
      models.push({ name: form, bytes: oneLayerModel(model, site, dims, r.nodes, r.initializers), input });
    }
    const samples = await measureLatency(models, { batch: opts.batch, threads: opts.threads, warmup: opts.warmup ?? 2, repeats: opts.repeats ?? 7, seed, ...(opts.signal ? { signal: opts.signal } : {}) });
    const formsMs: Partial<Record<CompactForm, number>> = {};
    let best = forms[0];
    const denseMs = withDense ? samples[0].medianMs : null;
    for (const s of samples.slice(withDense ? 1 : 0)) {
      formsMs[s.name as CompactForm] = s.medianMs;
      if (s.medianMs < formsMs[best]!) best = s.name as CompactForm;
    }
    result.set(site, { layer: site.entry.layer, inputShape: dims, denseMs, formsMs, best });
    const vsDense = denseMs === null ? 'dense not timed (large layer)' : `vs dense ${denseMs.toFixed(3)} ms`;
    opts.onProgress?.((i + 1) / sites.length, `timed ${site.entry.layer} at batch ${opts.batch}: ${best} ${formsMs[best]!.toFixed(3)} ms ${vsDense}`);
  }
  return result;
}

export type Execution = 'batched' | 'per-image';

export interface CompactTuning {
  execution: Execution;
  /** Per-layer timings and picks for the chosen execution: at the tuning batch when batched; per image, convolutions at batch 1 and Gemms (run outside the Scan) at the tuning batch. */
  layers: Map<MaskedSite, LayerTiming>;
  /**
   * The whole model at the tuning batch (median ms; null when not timed): the tuned compact model batched
   * and per image, and with every layer 'expand-dense' — the dense model's speed from the compact file.
   */
  wholeModelMs: { batched: number | null; perImage: number | null; dense: number | null };
  /** Why per-image execution was not tried or not kept; null when it was chosen. */
  perImageNote: string | null;
  /** Why every layer was left at the dense model's speed ('expand-dense'); null when it was not. */
  denseNote: string | null;
}

/**
 * Largest model (float32 weights, all initializers) the tuner also times whole with every layer
 * 'expand-dense': that session holds the dense weights, on top of the model being compacted.
 */
export const WHOLE_DENSE_MAX_WEIGHTS = 1 << 24;

/** Outputs agree when every value is within 1e-4 of the output's largest magnitude (the compact tests' tolerance). */
function sameOutputs(a: Record<string, Float32Array>, b: Record<string, Float32Array>): boolean {
  for (const [name, x] of Object.entries(a)) {
    const y = b[name];
    if (!y || y.length !== x.length) return false;
    let scale = 0;
    for (const v of x) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < x.length; i++) if (!(Math.abs(x[i] - y[i]) <= 1e-4 * scale)) return false;
  }
  return true;
}

/**
 * Tunes a compact model: each layer's form for batched execution at the tuning batch and, when that batch
 * is above 1 and a masked layer is a convolution, each convolution's form at batch 1 for per-image
 * execution (perImage.ts); then the whole compact models run at the tuning batch, interleaved, and the
 * fastest is kept — per image only when its outputs equal the batched model's. Per-image execution is tried only for
 * convolutions: there one image's intermediates are feature maps the batch multiplies past the cache,
 * while a Gemm's row is small and its MatMul needs the batch to be efficient (and timing two whole models
 * of a large MLP would hold their weights twice).
 *
 * The whole models timed include, where 'expand-dense' is available for every layer and the model is at
 * most WHOLE_DENSE_MAX_WEIGHTS, the model with every layer 'expand-dense': it runs as the dense model. Layer
 * picks are made one layer at a time, alone; a form that wins alone can lose among the others (narrow
 * models at 87.5 %), and then the whole compact model is slower than dense. When that model is the
 * fastest, every layer takes 'expand-dense': the file stays compact and runs at the dense model's speed.
 */
export async function tuneCompact(model: onnx.IModelProto, sites: MaskedSite[], opts: TuneOptions): Promise<CompactTuning> {
  const obstacle =
    opts.batch <= 1 ? 'the tuning batch is 1' : !sites.some((s) => s.op === 'Conv') ? 'no masked layer is a convolution' : perImageObstacle(model);
  const share = obstacle ? 0.85 : 0.55;
  const progress = (from: number, width: number) => (f: number, m: string) => opts.onProgress?.(from + width * f, m);
  const batched = await autotune(model, sites, { ...opts, onProgress: progress(0, share) });
  // Per image, the convolutions run one image at a time (tuned at batch 1); realized Gemms, which follow
  // them in a CNN, stay outside the Scan on the whole batch (perImageCompact), so they keep their batched pick.
  const single = obstacle ? null : await autotune(model, sites.filter((s) => s.op === 'Conv'), { ...opts, batch: 1, onProgress: progress(share, 0.3) });
  const perImageLayers = single ? new Map(sites.map((s) => [s, single.get(s) ?? batched.get(s)!])) : null;
  opts.signal?.throwIfCancelled();
  // Worth timing only when it could differ from the batched model, and affordable only up to the size limits.
  const timeDense =
    modelOpset(model) >= EXPAND_DENSE_MIN_OPSET &&
    floatWeights(model.graph?.initializer ?? []) <= WHOLE_DENSE_MAX_WEIGHTS &&
    sites.every((s) => s.kernel.data.length <= DENSE_REFERENCE_MAX_WEIGHTS) &&
    sites.some((s) => batched.get(s)!.best !== 'expand-dense');
  const none = { batched: null, perImage: null, dense: null };
  if (obstacle && !timeDense) return { execution: 'batched', layers: batched, wholeModelMs: none, perImageNote: `per-image execution not tried: ${obstacle}`, denseNote: null };
  opts.onProgress?.(0.85, `timing the whole compact model${obstacle ? '' : ' batched and per image'}${timeDense ? ', and with every layer at dense speed' : ''}`);
  const input = inputShape(model, opts.batch);
  const candidates: BenchModel[] = [{ name: 'batched', bytes: encodeModel(compactModel(model, sites, (s) => batched.get(s)!.best).model), input }];
  if (perImageLayers) candidates.push({ name: 'per-image', bytes: encodeModel(perImageCompact(compactModel(model, sites, (s) => perImageLayers.get(s)!.best))), input });
  if (timeDense) candidates.push({ name: 'dense', bytes: encodeModel(compactModel(model, sites, () => 'expand-dense').model), input });
  let samples;
  try {
    samples = await measureLatency(candidates, {
      batch: opts.batch,
      threads: opts.threads,
      warmup: 1,
      repeats: opts.repeats ?? 5,
      seed: opts.seed ?? 1,
      keepOutputs: true,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'CANCELLED') throw e;
    const why = (e as Error).message.split('\n')[0];
    return { execution: 'batched', layers: batched, wholeModelMs: none, perImageNote: obstacle ? `per-image execution not tried: ${obstacle}` : `per-image execution does not run: ${why}`, denseNote: null };
  }
  const b = samples[0];
  const p = samples.find((x) => x.name === 'per-image');
  const d = samples.find((x) => x.name === 'dense');
  // A batched model whose every layer took 'expand-dense' already is the dense candidate.
  const batchedIsDense = sites.every((s) => batched.get(s)!.best === 'expand-dense');
  const wholeModelMs = { batched: b.medianMs, perImage: p?.medianMs ?? null, dense: d?.medianMs ?? (batchedIsDense ? b.medianMs : null) };
  const pick = pickWholeModel(obstacle, b, p, d);
  const layers = pick.execution === 'dense' ? new Map([...batched].map(([s, t]) => [s, { ...t, best: 'expand-dense' as CompactForm }])) : pick.execution === 'per-image' ? perImageLayers! : batched;
  return { execution: pick.execution === 'dense' ? 'batched' : pick.execution, layers, wholeModelMs, perImageNote: pick.perImageNote, denseNote: pick.denseNote };
}

/**
 * Which whole model to keep, from their timings at the tuning batch (b: the tuned compact model batched, p:
 * per image, d: every layer 'expand-dense'; p and d absent when not timed) and why. Per image only when its
 * outputs equal the batched model's and it is faster; every layer at dense speed only when that is faster
 * than the compact model kept, with the same outputs (it computes the masked model exactly: other outputs
 * would mean a broken expansion, never a pick).
 */
export function pickWholeModel(
  obstacle: string | null,
  b: Pick<LatencySample, 'medianMs' | 'outputs'>,
  p: Pick<LatencySample, 'medianMs' | 'outputs'> | undefined,
  d: Pick<LatencySample, 'medianMs' | 'outputs'> | undefined,
): { execution: Execution | 'dense'; perImageNote: string | null; denseNote: string | null } {
  let execution: Execution = 'batched';
  let perImageNote: string | null;
  if (obstacle || !p) perImageNote = `per-image execution not tried: ${obstacle ?? 'it was not timed'}`;
  else if (!sameOutputs(b.outputs!, p.outputs!)) perImageNote = 'per-image execution gives other outputs (the model mixes images across the batch)';
  else if (p.medianMs >= b.medianMs) perImageNote = `batched execution is faster (${b.medianMs.toFixed(1)} vs ${p.medianMs.toFixed(1)} ms)`;
  else {
    execution = 'per-image';
    perImageNote = null;
  }
  const keptMs = execution === 'per-image' ? p!.medianMs : b.medianMs;
  if (!d || d.medianMs >= keptMs || !sameOutputs(b.outputs!, d.outputs!)) return { execution, perImageNote, denseNote: null };
  return {
    execution: 'dense',
    perImageNote: perImageNote ?? `per image was faster than batched (${p!.medianMs.toFixed(1)} vs ${b.medianMs.toFixed(1)} ms), but not than every layer at dense speed`,
    denseNote: `the tuned compact model took ${keptMs.toFixed(1)} ms ${execution === 'per-image' ? 'per image' : 'batched'}, every layer at dense speed ${d.medianMs.toFixed(1)} ms: every layer runs as dense, loaded from the compact file`,
  };
}
