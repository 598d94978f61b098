/**
 * Masking and writing a VGG16-shaped model (CIFAR VGG16: 13 convs 64…512, Dense 512 → 512 → 10,
 * ≈15 M float32 parameters), excluding the graph search: the job gets a ready random 4-regular graph on
 * 64 nodes, so the time is reading + checking + layer graph + masking + writing the output folder.
 * The model.json and shard bytes are generated directly (no training), in 4 MiB shards like tfjs writes.
 *
 * The pruning runs in a fresh child process so its peak RSS is not inflated by generating the fixture,
 * from a bundle of this file (as the shipped CLI runs: plain node, no TypeScript loader in memory).
 * Targets (issue 4): ≤ 2 s, peak memory ≤ 3× the weights' size.
 *
 * ONNX (issue 11): a 100 M-parameter MLP written as one .onnx file by this bench with the ONNX schema
 * (input [batch, 4096] → 6 × Gemm 4096×4096, transB = 1, as torch.onnx.export writes nn.Linear; weights in
 * raw_data, ≈400 MB), pruned the same way (given graph, n = 64, k = 4; first and last Gemm dense).
 * Target: peak RSS ≤ 2× the weights' size — the reader keeps one copy of the file and masks it in place.
 * Then the compact model of each pruned ONNX folder is written (issue 13: `rgp compact`, autotuned forms, in
 * its own child process), with its own peak RSS against the same target.
 * Run: npx tsx bench/prune.ts [--only onnx|vgg16] [--compact-form auto|FORM]   (prints a JSON array: the TF.js VGG16 result, then the ONNX one)
 */
import { execFileSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomRegularGraph } from '../src/core/graph';
import { quietContext } from '../src/core/job';
import { Random } from '../src/core/random';
import { compactPrunedModel, type CompactOptions } from '../src/jobs/compactModel';
import { pruneModel } from '../src/jobs/pruneModel';
import { onnx } from 'onnx-proto';

const CFG: (number | 'M')[] = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];
const SHARD = 4 * 1024 * 1024;

function writeVgg16(dir: string): { modelPath: string; params: number; weightBytes: number } {
  const layers: object[] = [];
  const weights: { name: string; shape: number[]; dtype: string }[] = [];
  let c = 3;
  let conv = 0, pool = 0;
  for (const v of CFG) {
    if (v === 'M') {
      layers.push({ class_name: 'MaxPooling2D', config: { name: `pool${++pool}`, pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_last' } });
      continue;
    }
    const name = `conv${++conv}`;
    layers.push({
      class_name: 'Conv2D',
      config: { name, filters: v, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'relu', use_bias: true, ...(conv === 1 ? { batch_input_shape: [null, 32, 32, 3] } : {}) },
    });
    weights.push({ name: `${name}/kernel`, shape: [3, 3, c, v], dtype: 'float32' }, { name: `${name}/bias`, shape: [v], dtype: 'float32' });
    c = v;
  }
  layers.push({ class_name: 'Flatten', config: { name: 'flatten' } });
  for (const [name, units, inp] of [['fc1', 512, 512], ['fc2', 512, 512], ['classifier', 10, 512]] as const) {
    layers.push({ class_name: 'Dense', config: { name, units, activation: name === 'classifier' ? 'softmax' : 'relu', use_bias: true } });
    weights.push({ name: `${name}/kernel`, shape: [inp, units], dtype: 'float32' }, { name: `${name}/bias`, shape: [units], dtype: 'float32' });
  }
  const params = weights.reduce((s, w) => s + w.shape.reduce((p, d) => p * d, 1), 0);
  const bytes = new Uint8Array(params * 4);
  const f = new Float32Array(bytes.buffer);
  const rng = new Random(42);
  for (let i = 0; i < f.length; i++) f[i] = rng.float() - 0.5;
  const nShards = Math.ceil(bytes.length / SHARD);
  const paths = Array.from({ length: nShards }, (_, i) => `group1-shard${i + 1}of${nShards}.bin`);
  mkdirSync(dir, { recursive: true });
  paths.forEach((p, i) => writeFileSync(join(dir, p), bytes.subarray(i * SHARD, Math.min(bytes.length, (i + 1) * SHARD))));
  const json = {
    format: 'layers-model',
    generatedBy: 'bench/prune.ts',
    convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 'vgg16', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightsManifest: [{ paths, weights }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  return { modelPath: join(dir, 'model.json'), params, weightBytes: bytes.length };
}

const ONNX_WIDTH = 4096;
const ONNX_LAYERS = 6;

/** The 100 M-parameter ONNX MLP (see the file comment), random weights from a seeded generator. */
function writeOnnxMlp(dir: string): { modelPath: string; params: number; weightBytes: number } {
  const rng = new Random(7);
  const initializer: onnx.ITensorProto[] = [];
  const node: onnx.INodeProto[] = [];
  let params = 0;
  for (let l = 0; l < ONNX_LAYERS; l++) {
    const w = new Float32Array(ONNX_WIDTH * ONNX_WIDTH);
    for (let i = 0; i < w.length; i++) w[i] = rng.float() - 0.5;
    const b = new Float32Array(ONNX_WIDTH);
    initializer.push(
      { name: `fc${l}.weight`, dims: [ONNX_WIDTH, ONNX_WIDTH], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(w.buffer) },
      { name: `fc${l}.bias`, dims: [ONNX_WIDTH], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(b.buffer) },
    );
    params += w.length + b.length;
    const from = l === 0 ? 'x' : `relu${l - 1}`;
    node.push({ opType: 'Gemm', name: `fc${l}`, input: [from, `fc${l}.weight`, `fc${l}.bias`], output: [`fc${l}`], attribute: [{ name: 'transB', i: 1, type: onnx.AttributeProto.AttributeType.INT }] });
    if (l < ONNX_LAYERS - 1) node.push({ opType: 'Relu', name: `relu${l}`, input: [`fc${l}`], output: [`relu${l}`] });
  }
  const io = (name: string): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: ONNX_WIDTH }] } } } });
  const model: onnx.IModelProto = { irVersion: 7, producerName: 'bench/prune.ts', opsetImport: [{ domain: '', version: 13 }], graph: { name: 'mlp100m', node, initializer, input: [io('x')], output: [io(`fc${ONNX_LAYERS - 1}`)] } };
  mkdirSync(dir, { recursive: true });
  const modelPath = join(dir, 'mlp100m.onnx');
  writeFileSync(modelPath, onnx.ModelProto.encode(model).finish());
  return { modelPath, params, weightBytes: params * 4 };
}

/**
 * This process's peak resident set: VmHWM of /proc/self/status (Linux). Not getrusage's maxRSS: Linux
 * carries that high-water mark across fork + exec, so a child spawned by a parent holding the generated
 * model reports the parent's size, not its own. Falls back to maxRSS elsewhere.
 */
function peakRssBytes(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

async function child(modelPath: string, out: string): Promise<void> {
  const g = randomRegularGraph(64, 4, 1);
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = await pruneModel(modelPath, { ratio: 0.9375, out, graph: { n: 64, k: 4, adjacency: g.neighbors } }, quietContext);
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ seconds, rssBefore, peakRss: peakRssBytes(), masked: r.maskedLayers.length, params: r.totals.denseParams, prunedParams: r.totals.prunedParams, paramsReduction: r.totals.paramsReduction, macsReduction: r.totals.macsReduction }));
}

/** `rgp compact` of a pruned folder: the default autotuned forms, as a user runs it. */
async function compactChild(folder: string, form: string): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  // RSS at each progress step: where the peak is reached.
  const phases: { message: string; rssMiB: number; peakMiB: number }[] = [];
  const ctx = { ...quietContext, progress: { report: (p: { message?: string }) => phases.push({ message: p.message ?? '', rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20), peakMiB: Math.round(peakRssBytes() / 2 ** 20) }) } };
  const r = await compactPrunedModel(folder, { overwrite: true, form: form as CompactOptions['form'] }, ctx);
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ seconds, rssBefore, peakRss: peakRssBytes(), compactBytes: r.bytes.compact, stored: r.parameters.stored, phases }));
}

/** `--compact-form F`: one realization for every layer instead of the autotuner (to see what tuning costs). */
const compactForm = process.argv.includes('--compact-form') ? process.argv[process.argv.indexOf('--compact-form') + 1]! : 'auto';
/** `--only onnx` or `--only vgg16`. */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]! : '';

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3], process.argv[4]);
  if (process.argv[2] === '--compact-child') return compactChild(process.argv[3], process.argv[4] ?? 'auto');
  const dir = mkdtempSync(join(tmpdir(), 'rgp-bench-prune-'));
  try {
    // Bundle this file so the child runs as the shipped CLI does (plain node, no tsx in memory).
    const bundle = join(dir, 'bench-prune.cjs');
    buildSync({ entryPoints: [__filename], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'error', external: ['onnxruntime-node', 'esbuild', '@tensorflow/tfjs-node'] });
    // The bundle lives in the temporary folder; its native externals (onnxruntime-node) resolve from ours.
    const env = { ...process.env, NODE_PATH: join(__dirname, '..', 'node_modules') };
    const results = [];
    for (const [bench, make, target] of [['prune-vgg16', writeVgg16, { seconds: 2, peakRssOverWeights: 3 }], ['prune-onnx-mlp100m', writeOnnxMlp, { peakRssOverWeights: 2 }]] as const) {
      if (only !== '' && !bench.includes(only)) continue;
      const { modelPath, params, weightBytes } = make(join(dir, bench));
      const runs = [];
      const compacts = [];
      for (let i = 0; i < 3; i++) {
        const out = join(dir, `out${i}`);
        const text = execFileSync(process.execPath, [bundle, '--child', modelPath, out], { encoding: 'utf8', maxBuffer: 1 << 20, env });
        runs.push(JSON.parse(text));
        if (bench === 'prune-onnx-mlp100m') compacts.push(JSON.parse(execFileSync(process.execPath, [bundle, '--compact-child', out, compactForm], { encoding: 'utf8', maxBuffer: 1 << 20, env })));
        rmSync(out, { recursive: true, force: true });
      }
      rmSync(join(dir, bench), { recursive: true, force: true });
      const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
      const peak = Math.max(...runs.map((r) => r.peakRss));
      const baseline = Math.min(...runs.map((r) => r.rssBefore));
      results.push({
        bench,
        params,
        weightBytes,
        ...(bench === 'prune-vgg16' ? { shards: Math.ceil(weightBytes / SHARD) } : {}),
        maskedLayers: best.masked,
        paramsReduction: best.paramsReduction,
        macsReduction: best.macsReduction,
        seconds: { best: best.seconds, all: runs.map((r) => r.seconds) },
        peakRssBytes: peak,
        peakRssOverWeights: peak / weightBytes,
        /** RSS of the bare process (node + the bundled code) before the job, for reference. */
        baselineRssBytes: baseline,
        peakAboveBaselineOverWeights: (peak - baseline) / weightBytes,
        targets: target,
        pass: ('seconds' in target ? best.seconds <= target.seconds : true) && peak / weightBytes <= target.peakRssOverWeights,
        ...(compacts.length > 0
          ? {
              compact: {
                seconds: compacts.map((c) => c.seconds),
                compactBytes: compacts[0].compactBytes,
                storedParams: compacts[0].stored,
                peakRssBytes: Math.max(...compacts.map((c) => c.peakRss)),
                peakRssOverWeights: Math.max(...compacts.map((c) => c.peakRss)) / weightBytes,
                baselineRssBytes: Math.min(...compacts.map((c) => c.rssBefore)),
                form: compactForm,
                phases: compacts[0].phases,
                target: { peakRssOverWeights: 2 },
              },
            }
          : {}),
      });
    }
    console.log(JSON.stringify(results, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
