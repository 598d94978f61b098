/**
 * `rgp sparsify`: train-and-prune vs sparse training vs RGP's static mask on a graph model's weight layers
 * (arXiv 2209.04766 + RGP), over sparsities × methods × seeds; writes results.json + results.csv.
 *
 *   rgp sparsify --dataset collegemsg|email-eu-core|<edges> [--labels <file>] [--task link|node]
 *                [--model mlp|gcn|sage] [--methods dense,magnitude,admm,slr,rigl,set,rgp]
 *                [--sparsities 0.5,...,0.984] [--seeds 1,2,3] [--epochs N] [--lr X] [--batch-size B]
 *                [--admm-epochs N] [--retrain-epochs N] [--updates N] [--groups N] [--search-swaps M]
 *                [--dim D] [--walks-per-node W] [--walk-length L] [--window K] [--sg-epochs E]
 *                [--link-model undirected|directed] [--test-features train|train+val] [--negative-nodes seen|all]
 *                [--out DIR [--overwrite]] [--json] [-q]
 *
 * stderr: one line per finished run; stdout: the table of mean ± std per method × sparsity (accuracy, AUC,
 * training FLOPs relative to dense, training and final sparsity) and the sparse-training / train-and-prune
 * FLOPs ratios at ≥ 90 % sparsity — or the whole SparsifyResult as JSON with --json.
 */
import type { Command } from 'commander';
import { RgpError } from '../core/errors';
import type { SparsifyMethod, SparsifyModel, SparsifyResult, SparsifyTask } from '../core/sparse/results';
import { flopsRatios, summarise, summaryTable, type SparsifyRunDetail } from '../core/sparse/summary';
import { ALL_METHODS, type SparsifyOptions } from '../jobs/sparsify';
import { runCliJob } from './runJob';
import { addPlanFlags, planSparsifyCli, type PlanFlags } from './planCommands';
import { addWorkersFlag, workersOf } from './workersFlag';

export interface SparsifyCommandOptions {
  dataset?: string;
  labels?: string;
  task?: string;
  model?: string;
  methods?: string;
  sparsities?: string;
  seeds?: string;
  epochs?: string;
  lr?: string;
  batchSize?: string;
  admmEpochs?: string;
  retrainEpochs?: string;
  updates?: string;
  groups?: string;
  searchSwaps?: string;
  dim?: string;
  walksPerNode?: string;
  walkLength?: string;
  window?: string;
  sgEpochs?: string;
  linkModel?: string;
  testFeatures?: string;
  negativeNodes?: string;
  out?: string;
  overwrite?: boolean;
  json?: boolean;
  quiet?: boolean;
  workers?: string;
}

function num(value: string | undefined, flag: string, integer: boolean, min: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min) {
    throw new RgpError('BAD_ARGUMENT', `--${flag} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got "${value}".`, 'See rgp sparsify --help.');
  }
  return v;
}

function numList(value: string | undefined, flag: string, integer: boolean): number[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new RgpError('BAD_ARGUMENT', `--${flag} needs at least one value.`, `Example: --${flag} ${integer ? '1,2,3' : '0.5,0.9375'}.`);
  return items.map((s) => num(s, flag, integer, integer ? -Number.MAX_SAFE_INTEGER : 0)!);
}

function choice<T extends string>(value: string | undefined, flag: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new RgpError('BAD_ARGUMENT', `--${flag} must be one of ${choices.join(', ')}, got "${value}".`, 'See rgp sparsify --help.');
  return value as T;
}

export function sparsifyOptions(o: SparsifyCommandOptions): Omit<SparsifyOptions, 'onRun'> {
  if (!o.dataset) throw new RgpError('BAD_ARGUMENT', 'rgp sparsify needs --dataset.', 'Use collegemsg (link prediction), email-eu-core (node classification) or the path of an edge list.');
  const methods = o.methods?.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((m) => choice<SparsifyMethod>(m, 'methods', ALL_METHODS)!);
  const embedding = {
    ...(o.dim !== undefined ? { dim: num(o.dim, 'dim', true, 1) } : {}),
    ...(o.walksPerNode !== undefined ? { walksPerNode: num(o.walksPerNode, 'walks-per-node', true, 1) } : {}),
    ...(o.walkLength !== undefined ? { walkLength: num(o.walkLength, 'walk-length', true, 2) } : {}),
    ...(o.window !== undefined ? { window: num(o.window, 'window', true, 1) } : {}),
    ...(o.sgEpochs !== undefined ? { epochs: num(o.sgEpochs, 'sg-epochs', true, 1) } : {}),
  };
  const opt = <K extends string, V>(key: K, v: V | undefined): Partial<Record<K, V>> => (v === undefined ? {} : ({ [key]: v } as Record<K, V>));
  return {
    dataset: o.dataset,
    ...opt('labels', o.labels),
    ...opt('task', choice<SparsifyTask>(o.task, 'task', ['link', 'node'])),
    ...opt('model', choice<SparsifyModel>(o.model, 'model', ['mlp', 'gcn', 'sage'])),
    ...opt('methods', methods),
    ...opt('sparsities', numList(o.sparsities, 'sparsities', false)),
    ...opt('seeds', numList(o.seeds, 'seeds', true)),
    ...opt('epochs', num(o.epochs, 'epochs', true, 1)),
    ...opt('learningRate', num(o.lr, 'lr', false, 0)),
    ...opt('batchSize', num(o.batchSize, 'batch-size', true, 1)),
    ...opt('admmEpochs', num(o.admmEpochs, 'admm-epochs', true, 1)),
    ...opt('retrainEpochs', num(o.retrainEpochs, 'retrain-epochs', true, 1)),
    ...opt('topologyUpdates', num(o.updates, 'updates', true, 1)),
    ...opt('rgpGroups', num(o.groups, 'groups', true, 2)),
    ...opt('rgpSearchSwaps', num(o.searchSwaps, 'search-swaps', true, 0)),
    ...(Object.keys(embedding).length ? { embedding } : {}),
    ...opt('linkModel', choice(o.linkModel, 'link-model', ['undirected', 'directed'] as const)),
    ...opt('testFeatures', choice(o.testFeatures, 'test-features', ['train', 'train+val'] as const)),
    ...opt('negativeNodes', choice(o.negativeNodes, 'negative-nodes', ['seen', 'all'] as const)),
    ...opt('out', o.out),
    ...(o.overwrite ? { overwrite: true } : {}),
  };
}

/** One stderr line per finished run. */
export function runLine(r: SparsifyRunDetail, index: number, total: number): string {
  const what = r.method === 'dense' ? 'dense' : `${r.method} ${(100 * r.sparsity).toFixed(3)} %`;
  const auc = r.auc !== undefined ? `, AUC ${(100 * r.auc).toFixed(2)} %` : '';
  return `run ${index}/${total}: ${what}, seed ${r.seed}: accuracy ${(100 * r.accuracy).toFixed(2)} %${auc}, final sparsity ${(100 * r.finalSparsity).toFixed(2)} %, training FLOPs ${r.trainingFlops.toExponential(3)}, ${r.seconds.toFixed(1)} s`;
}

/** The summary table plus the study's headline ratio. */
export function sparsifyReport(result: SparsifyResult): string {
  const ratios = flopsRatios(result.runs, 0.9);
  const lines = ratios.map((r) => `  ${(100 * r.sparsity).toFixed(3)} %: ${r.sparse} / ${r.trainPrune} = ${r.ratio.toFixed(3)} (1/${(1 / r.ratio).toFixed(1)})`);
  const l = result.link;
  const protocol = l
    ? [
        `link model ${l.linkModel}; test features from ${l.testFeatures === 'train' ? 'the training window' : 'a refit on training + validation'}; negatives from ${l.negativeNodes === 'seen' ? 'seen nodes' : 'all nodes'}; self-loops ${l.selfLoops}`,
        ...l.splits.map((s) => `  seed ${s.seed}: ${s.selfLoopsDropped} self-loops; test pairs ${s.testSeenPairs} with seen endpoints, ${s.testUnseenPairs} with an unseen one (${s.testUnseenPositives} positives)`),
      ]
    : [];
  return [
    `${result.dataset} · ${result.task} · ${result.model} · backend ${result.backend} · ${result.runs.length} runs in ${result.seconds.toFixed(0)} s`,
    ...protocol,
    summaryTable(summarise(result.runs)),
    ...(lines.length ? ['training FLOPs, sparse training / train-and-prune (means over seeds):', ...lines] : []),
    ...(result.files.length ? [`wrote ${result.files.join(', ')}`] : []),
    '',
  ].join('\n');
}

/** The whole `rgp sparsify` action, run in the job worker: one line per run on stderr, the table (or --json) on stdout. */
export async function sparsifyCli(o: SparsifyCommandOptions): Promise<SparsifyResult> {
  const options = sparsifyOptions(o);
  const perSeed = (options.methods ?? ALL_METHODS).filter((m) => m !== 'dense').length * (options.sparsities?.length ?? 6) + ((options.methods ?? ALL_METHODS).includes('dense') ? 1 : 0);
  const total = perSeed * (options.seeds?.length ?? 3);
  let done = 0;
  const line = (r: SparsifyRunDetail, n: number) => {
    if (!o.quiet) process.stderr.write(`${runLine(r, n, total)}\n`);
  };
  // One pipeline: the job worker runs the comparison, on a pool of nested cell workers when workers > 1.
  const workers = workersOf(o.workers);
  const { result } = await runCliJob<'sparsify'>(
    { kind: 'sparsify', options, ...(workers > 1 ? { workers } : {}) },
    { quiet: o.quiet === true, onRecord: (m) => { if (m.type === 'sparsifyRun') line(m.run, ++done); } },
  );
  process.stdout.write(o.json ? JSON.stringify(result, null, 2) + '\n' : sparsifyReport(result));
  return result;
}

/** Registers `rgp sparsify` (run in the CLI's job worker, src/cli/runJob.ts). */
export function registerSparsifyCommand(program: Command): void {
  addWorkersFlag(addPlanFlags(program
    .command('sparsify')
    .description('compare train-and-prune (magnitude, ADMM), sparse training (RigL, SET) and RGP masks on a graph model; writes results.json + results.csv')
    .requiredOption('--dataset <name|path>', 'collegemsg (link prediction), email-eu-core (node classification) or an edge-list file')
    .option('--labels <file>', 'node labels (`node label` rows) for node classification on an edge-list file')
    .option('--task <task>', 'link or node (default: the preset\'s; node when --labels is given)')
    .option('--model <model>', 'mlp (skip-gram embeddings + MLP, default), gcn or sage (node classification)')
    .option('--methods <list>', `comma-separated, from ${ALL_METHODS.join(',')} (default all)`)
    .option('--sparsities <list>', 'comma-separated sparsities of the weight layers (default 0.5,0.75,0.875,0.9375,0.96875,0.984)')
    .option('--seeds <list>', 'seeds, comma-separated (default 1,2,3): split, embeddings, initial weights, masks')
    .option('--epochs <n>', 'training epochs E (default link 10, node mlp 100, gcn/sage 200)')
    .option('--lr <x>', 'Adam learning rate, cosine-decayed per phase (default 0.003 mlp, 0.01 gcn/sage)')
    .option('--batch-size <n>', 'MLP mini-batch (default link 256, node 64); graph models are full-batch')
    .option('--admm-epochs <n>', 'ADMM phase of train-and-prune (default ⌈E/2⌉)')
    .option('--retrain-epochs <n>', 'masked retraining after the prune (default ⌈E/2⌉)')
    .option('--updates <n>', 'RigL/SET topology updates over training (default 20; none after 75 %)')
    .option('--groups <n>', 'RGP: largest node count n per layer (default 64)')
    .option('--search-swaps <m>', 'RGP: proposed swaps of the ASPL search (default 2000)')
    .option('--dim <d>', 'embedding width (default link 8, node 64)')
    .option('--walks-per-node <w>', 'random walks per node (default 10)')
    .option('--walk-length <l>', 'nodes per walk (default 40)')
    .option('--window <k>', 'skip-gram window (default 5)')
    .option('--sg-epochs <e>', 'skip-gram epochs (default 1)')
    .option('--link-model <m>', 'links: undirected (default) or directed, for split, negatives, walks and evaluation')
    .option('--test-features <f>', 'links: test embeddings from the training window (train, default) or refit on train+val')
    .option('--negative-nodes <n>', 'links: negative pairs between nodes the features have seen (seen, default) or any (all)')
    .option('--out <dir>', 'folder for results.json and results.csv (nothing is written without it)')
    .option('--overwrite', 'replace an existing non-empty --out folder')
    .option('--json', 'print the whole result as JSON instead of the table')
    .option('-q, --quiet', 'no progress on stderr')))
    .action(async (opts: SparsifyCommandOptions & PlanFlags) => {
      if (opts.plan !== undefined) return planSparsifyCli(opts);
      await sparsifyCli(opts);
    });
}
