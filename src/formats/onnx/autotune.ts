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
import { floatTensor, int64Tensor } from './compactLayer';
import { formsFor, modelOpset, realizeSite, type MaskedSite } from './compactModel';
import { encodeModel } from './proto';
import { inputShape, measureLatency, onnxRuntime, seededInput, sessionOptions, type BenchModel } from './latency';

export interface LayerTiming {
  layer: string;
  /** The layer's input shape at the tuning batch. */
  inputShape: number[];
  denseMs: number;
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
    const models: BenchModel[] = [{ name: 'dense', bytes: oneLayerModel(model, site, dims, [denseNode], [weights.get(site.entry.weight)!]), input }];
    const forms = formsFor(site);
    for (const form of forms) {
      const r = realizeSite(site, form, opset, `rgp/tune${i}`);
      models.push({ name: form, bytes: oneLayerModel(model, site, dims, r.nodes, r.initializers), input });
    }
    const samples = await measureLatency(models, { batch: opts.batch, threads: opts.threads, warmup: opts.warmup ?? 2, repeats: opts.repeats ?? 7, seed, ...(opts.signal ? { signal: opts.signal } : {}) });
    const formsMs: Partial<Record<CompactForm, number>> = {};
    let best = forms[0];
    for (const s of samples.slice(1)) {
      formsMs[s.name as CompactForm] = s.medianMs;
      if (s.medianMs < formsMs[best]!) best = s.name as CompactForm;
    }
    result.set(site, { layer: site.entry.layer, inputShape: dims, denseMs: samples[0].medianMs, formsMs, best });
    opts.onProgress?.((i + 1) / sites.length, `timed ${site.entry.layer}: ${best} ${formsMs[best]!.toFixed(3)} ms vs dense ${samples[0].medianMs.toFixed(3)} ms`);
  }
  return result;
}
