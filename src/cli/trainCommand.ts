/**
 * `rgp train`: train a model with RGP masks fixed (or dense), from scratch or fine-tuning; keep the best
 * epoch's model in a new folder.
 *
 *   rgp train <model.json> --data PATH [--limit N] [--ratio R [--groups N] [--graph searched|random|ring]]
 *             [--graph dense] [--mode scratch|finetune] [--optimizer sgd|adam] [--epochs E]
 *             [--batch-size B] [--lr η] [--momentum μ] [--weight-decay λ] [--schedule cosine|constant]
 *             [--seed S] [--search-seconds T | --search-swaps M] [--mask-first] [--mask-last]
 *             [--out DIR] [--overwrite] [--backend tensorflow|wasm|cpu] [--json]
 *
 * Without --ratio or --graph, a model folder with masks.json (from `rgp prune`) trains with those masks,
 * any other model trains dense. Ctrl+C stops before the next batch: the best complete epoch stays in the
 * output folder, its table is printed, and the exit status is 130. Progress goes to stderr (one line per epoch); stdout gets the epoch table
 * and the outcome, or the full report as JSON with --json. Options arrive from commander as strings and
 * are validated here with messages naming the flag.
 */
import type { Command } from 'commander';
import { CancelledError, RgpError } from '../core/errors';
import { quietContext, type JobContext } from '../core/job';
import type { BackendName } from '../core/train/backend';
import type { EpochRecord, GraphKind, TrainConfig, TrainSummary } from '../core/train/results';
import { textTable } from '../core/train/sweepTable';
import { trainModel, type TrainOptions } from '../jobs/trainModel';
import { runCliJob } from './runJob';

/** The training flags `rgp train` and `rgp sweep` share. */
export interface TrainingFlags {
  data?: string;
  limit?: number | string;
  mode?: string;
  optimizer?: string;
  epochs?: number | string;
  batchSize?: number | string;
  lr?: number | string;
  momentum?: number | string;
  weightDecay?: number | string;
  schedule?: string;
  groups?: number | string;
  searchSeconds?: number | string;
  searchSwaps?: number | string;
  maskFirst?: boolean;
  maskLast?: boolean;
  out?: string;
  overwrite?: boolean;
  backend?: string;
}

export interface TrainCommandOptions extends TrainingFlags {
  ratio?: number | string;
  /** tfjs or keras (default: the input's kind). */
  saveAs?: string;
  graph?: string;
  seed?: number | string;
}

export interface TrainCommandDeps {
  ctx?: JobContext;
  onEpoch?: (record: EpochRecord) => void;
}

export function numberFlag(value: number | string | undefined, flag: string, opts: { integer?: boolean; min?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const v = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(v) || (opts.integer && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min)) {
    const what = opts.integer ? 'an integer' : 'a number';
    throw new RgpError('BAD_ARGUMENT', `--${flag} must be ${what}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}, got "${value}".`, 'See rgp train --help.');
  }
  return v;
}

export function choiceFlag<T extends string>(value: string | undefined, flag: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new RgpError('BAD_ARGUMENT', `--${flag} must be one of ${choices.join(', ')}, got "${value}".`, `See rgp ${flag === 'graphs' ? 'sweep' : 'train'} --help.`);
  return value as T;
}

/** Comma-separated list of numbers, e.g. --ratios 0.875,0.9375. */
export function numberListFlag(value: string | undefined, flag: string, opts: { integer?: boolean } = {}): number[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new RgpError('BAD_ARGUMENT', `--${flag} needs at least one value.`, `Example: --${flag} ${opts.integer ? '1,2,3' : '0.875,0.9375'}.`);
  return items.map((s) => numberFlag(s, flag, opts)!);
}

/** The shared flags as job options (everything but the mask source and the seed). */
export function trainingOptions(f: TrainingFlags): Omit<TrainOptions, 'ratio' | 'graph' | 'seed'> & { dataset: string } {
  if (f.data === undefined) throw new RgpError('BAD_ARGUMENT', 'Training needs a dataset (--data).', 'Example: --data data/mnist (a folder of IDX files), a dataset spec .json, or a .csv.');
  const limit = numberFlag(f.limit, 'limit', { integer: true, min: 1 });
  const epochs = numberFlag(f.epochs, 'epochs', { integer: true, min: 1 });
  const batchSize = numberFlag(f.batchSize, 'batch-size', { integer: true, min: 1 });
  const learningRate = numberFlag(f.lr, 'lr');
  const momentum = numberFlag(f.momentum, 'momentum', { min: 0 });
  const weightDecay = numberFlag(f.weightDecay, 'weight-decay', { min: 0 });
  const groups = numberFlag(f.groups, 'groups', { integer: true, min: 2 });
  const searchSeconds = numberFlag(f.searchSeconds, 'search-seconds', { min: 0 });
  const searchSwaps = numberFlag(f.searchSwaps, 'search-swaps', { integer: true, min: 0 });
  const mode = choiceFlag<TrainConfig['mode']>(f.mode, 'mode', ['scratch', 'finetune']);
  const optimizer = choiceFlag<TrainConfig['optimizer']>(f.optimizer, 'optimizer', ['sgd', 'adam']);
  const schedule = choiceFlag<TrainConfig['schedule']>(f.schedule, 'schedule', ['cosine', 'constant']);
  const backend = choiceFlag<BackendName>(f.backend, 'backend', ['tensorflow', 'wasm', 'cpu']);
  return {
    dataset: f.data,
    ...(limit !== undefined ? { datasetLimit: limit } : {}),
    ...(mode ? { mode } : {}),
    ...(optimizer ? { optimizer } : {}),
    ...(schedule ? { schedule } : {}),
    ...(epochs !== undefined ? { epochs } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(learningRate !== undefined ? { learningRate } : {}),
    ...(momentum !== undefined ? { momentum } : {}),
    ...(weightDecay !== undefined ? { weightDecay } : {}),
    ...(groups !== undefined ? { groups } : {}),
    ...(searchSeconds !== undefined ? { searchSeconds } : {}),
    ...(searchSwaps !== undefined ? { searchSwaps } : {}),
    ...(f.maskFirst ? { keepFirst: false } : {}),
    ...(f.maskLast ? { keepLast: false } : {}),
    ...(f.out !== undefined ? { out: f.out } : {}),
    overwrite: f.overwrite === true,
    ...(backend ? { backend } : {}),
  };
}

/** The job options of the flags; no callbacks, so they cross to the worker. */
export function trainJobOptions(opts: TrainCommandOptions): TrainOptions {
  const ratio = numberFlag(opts.ratio, 'ratio');
  const seed = numberFlag(opts.seed, 'seed', { integer: true });
  const graph = choiceFlag<GraphKind>(opts.graph, 'graph', ['searched', 'random', 'ring', 'dense']);
  const saveAs = choiceFlag<'tfjs' | 'keras'>(opts.saveAs, 'save-as', ['tfjs', 'keras']);
  return {
    ...trainingOptions(opts),
    ...(ratio !== undefined ? { ratio } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(graph ? { graph } : {}),
    ...(saveAs ? { saveAs } : {}),
  };
}

export async function trainCommand(modelPath: string, opts: TrainCommandOptions, deps: TrainCommandDeps = {}): Promise<TrainSummary> {
  const options: TrainOptions = { ...trainJobOptions(opts), ...(deps.onEpoch ? { onEpoch: deps.onEpoch } : {}) };
  return trainModel(modelPath, options, deps.ctx ?? quietContext);
}

/** One stderr line per epoch. */
export function epochLine(r: EpochRecord, epochs: number): string {
  return `epoch ${r.epoch}/${epochs}: loss ${r.loss.toFixed(4)}, test loss ${r.testLoss.toFixed(4)}, test accuracy ${(100 * r.testAccuracy).toFixed(2)} %, lr ${r.learningRate.toPrecision(3)}, ${Math.round(r.examplesPerSecond)} examples/s`;
}

/** The epoch table and the outcome, for stdout. */
export function trainTable(s: TrainSummary): string {
  const rows = s.curve.map((r) => [String(r.epoch), r.loss.toFixed(4), r.testLoss.toFixed(4), (100 * r.testAccuracy).toFixed(2), r.learningRate.toPrecision(3), r.seconds.toFixed(1), r.epoch === s.best.epoch ? '*' : '']);
  const mask = s.graph === 'dense' ? 'dense' : `${s.graph} graph n=${s.n} k=${s.k} (ratio ${s.ratio.toFixed(4)}, ASPL ${s.aspl!.toFixed(4)})`;
  return (
    textTable(['epoch', 'loss', 'test loss', 'test acc %', 'lr', 's', 'kept'], rows) +
    `\n${mask}; params ${s.params.kept.toLocaleString('en-US')} of ${s.params.dense.toLocaleString('en-US')}, MACs ${s.macs.kept.toLocaleString('en-US')} of ${s.macs.dense.toLocaleString('en-US')}; backend ${s.backend.description}\n` +
    `${s.cancelled ? 'cancelled: ' : ''}best test accuracy ${(100 * s.best.testAccuracy).toFixed(2)} % (epoch ${s.best.epoch}), kept in ${s.outputPath}\n`
  );
}

export interface CliOutput {
  json?: boolean;
  quiet?: boolean;
}

/** The whole `rgp train` action, run in the job worker: epoch lines on stderr, the table (or --json) on stdout. */
export async function trainCli(modelPath: string, opts: TrainCommandOptions & CliOutput): Promise<TrainSummary> {
  const epochs = numberFlag(opts.epochs, 'epochs') ?? 10;
  const { summary } = await runCliJob<'train'>(
    { kind: 'train', modelPath, options: trainJobOptions(opts) },
    {
      quiet: opts.quiet === true,
      onRecord: (m) => {
        if (m.type === 'epoch' && !opts.quiet) process.stderr.write(`${epochLine(m.record, epochs)}\n`);
      },
    },
  );
  process.stdout.write(opts.json ? JSON.stringify(summary, null, 2) + '\n' : trainTable(summary));
  // The kept checkpoint is reported above; the exit status still says the run did not finish (130).
  if (summary.cancelled) throw new CancelledError();
  return summary;
}

/** The flags `rgp train` and `rgp sweep` share, added to a commander command. */
export function addTrainingFlags(cmd: Command): Command {
  return cmd
    .requiredOption('--data <path>', 'dataset: a folder of IDX files (e.g. data/mnist), a dataset spec .json, or a .csv')
    .option('--limit <n>', 'use at most n examples per part (train, test)')
    .option('--mode <m>', 'scratch (re-initialise, RGP) or finetune (keep trained weights); default scratch')
    .option('--optimizer <o>', 'sgd (momentum, RGP) or adam; default sgd')
    .option('--epochs <e>', 'epochs (default 10)')
    .option('--batch-size <b>', 'batch size (default 128)')
    .option('--lr <η>', 'initial learning rate (default sgd 0.1, adam 0.001; a tenth of that with finetune)')
    .option('--momentum <μ>', 'SGD momentum (default 0.9)')
    .option('--weight-decay <λ>', 'L2 weight decay on kernels (default 5e-4)')
    .option('--schedule <s>', 'cosine (default) or constant learning rate')
    .option('--groups <n>', 'node count n: channel groups per layer (default 64)')
    .option('--search-seconds <t>', 'time budget of each low-ASPL graph search')
    .option('--search-swaps <m>', 'swap budget of each graph search (default 50000; deterministic for a seed)')
    .option('--mask-first', 'mask the first maskable layer too (RGP keeps it dense by default)')
    .option('--mask-last', 'mask the last maskable layer (the classifier) too')
    .option('--overwrite', 'replace an existing output folder (never the input)')
    .option('--backend <name>', 'backend to try first: tensorflow, wasm or cpu (default: the fastest that loads)')
    .option('--json', 'print the full report as JSON instead of a table')
    .option('-q, --quiet', 'no progress on stderr');
}

/** Registers `rgp train` (run in the job worker: Ctrl+C and SIGTERM cancel, progress on a TTY). */
export function registerTrainCommand(program: Command): void {
  addTrainingFlags(
    program
      .command('train')
      .description('train a model with RGP masks held fixed (or dense), from scratch or fine-tuning; keeps the best epoch in a new model folder')
      .argument('<model.json>', 'path to the model.json of a TF.js layers model (never modified)')
      .option('--ratio <r>', 'prune with a new mask at this ratio (nearest feasible k for n groups); without it, masks.json beside the model is used, else dense')
      .option('--graph <kind>', 'graph of the new mask: searched (low ASPL, default), random, ring; or dense')
      .option('--seed <s>', 'seed of the initialisation, the shuffle and the graph (default 1)')
      .option('--out <dir>', 'output folder (default: <model folder>-trained beside the input)')
      .option('--save-as <format>', 'the trained model as tfjs (model.json + weights.bin) or keras (model.keras); default: the input\'s kind'),
  ).action(async (modelPath: string, opts: TrainCommandOptions & CliOutput) => {
    await trainCli(modelPath, opts);
  });
}
