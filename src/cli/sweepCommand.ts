/**
 * `rgp sweep`: train the model masked at each ratio by each kind of graph, for each seed (plus an optional
 * dense baseline), and write results.json + results.csv.
 *
 *   rgp sweep <model.json> --data PATH --ratios 0.875,0.9375 [--graphs searched,random,ring]
 *             [--seeds 1,2,3] [--dense] [--groups N] [--mask-first] [--mask-last]
 *             [--search-seconds T | --search-swaps M] [training flags as rgp train] [--out DIR] [--overwrite]
 *             [--backend tensorflow|wasm|cpu] [--json]
 *
 * stderr gets one line per finished run; stdout the per-cell table (test accuracy mean ± std over seeds),
 * or the whole SweepResult as JSON with --json.
 */
import type { Command } from 'commander';
import { RgpError } from '../core/errors';
import { quietContext, type JobContext } from '../core/job';
import type { GraphKind, SweepResult, SweepRun } from '../core/train/results';
import { summariseSweep, sweepTextTable } from '../core/train/sweepTable';
import { sweep, type SweepOptions } from '../jobs/sweep';
import { sweepCells } from '../jobs/grid/sweepGrid';
import { runCliJob } from './runJob';
import { addPlanFlags, planSweepCli, type PlanFlags } from './planCommands';
import { addWorkersFlag, workersOf } from './workersFlag';
import { addTrainingFlags, choiceFlag, numberListFlag, trainingOptions, type TrainingFlags } from './trainCommand';

export interface SweepCommandOptions extends TrainingFlags {
  ratios?: string;
  graphs?: string;
  seeds?: string;
  dense?: boolean;
}

export interface SweepCommandDeps {
  ctx?: JobContext;
  onRun?: (run: SweepRun) => void;
}

/** The job options of the flags; no callbacks, so they cross to the worker. */
export function sweepJobOptions(opts: SweepCommandOptions): SweepOptions {
  if (opts.ratios === undefined) throw new RgpError('BAD_ARGUMENT', 'rgp sweep needs --ratios.', 'Example: --ratios 0.875,0.9375 (n = 64: k = 8 and k = 4).');
  const ratios = numberListFlag(opts.ratios, 'ratios')!;
  const seeds = numberListFlag(opts.seeds, 'seeds', { integer: true });
  const graphs = opts.graphs?.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((g) => choiceFlag<Exclude<GraphKind, 'dense'>>(g, 'graphs', ['searched', 'random', 'ring'])!);
  const options: SweepOptions = {
    ...trainingOptions(opts),
    ratios,
    ...(graphs ? { graphs } : {}),
    ...(seeds ? { seeds } : {}),
    dense: opts.dense === true,
  };
  return options;
}

export async function sweepCommand(modelPath: string, opts: SweepCommandOptions, deps: SweepCommandDeps = {}): Promise<SweepResult> {
  return sweep(modelPath, { ...sweepJobOptions(opts), ...(deps.onRun ? { onRun: deps.onRun } : {}) }, deps.ctx ?? quietContext);
}

/** One stderr line per finished run. */
export function runLine(r: SweepRun, index: number): string {
  const what = r.graph === 'dense' ? 'dense' : `ratio ${r.ratio.toFixed(4)} ${r.graph} (k=${r.k}, ASPL ${r.aspl!.toFixed(4)})`;
  return `run ${index}: ${what}, seed ${r.seed}: test accuracy ${(100 * r.testAccuracy).toFixed(2)} % (best ${(100 * r.bestTestAccuracy).toFixed(2)} %), ${r.seconds.toFixed(1)} s`;
}

export function sweepTable(result: SweepResult): string {
  return `${sweepTextTable(summariseSweep(result.runs))}\nbackend ${result.backend}; ${result.runs.length} runs in ${result.seconds.toFixed(0)} s; wrote ${result.files.join(', ')}\n`;
}

/**
 * The whole `rgp sweep` action: one line per run on stderr, the cell table (or --json) on stdout. One
 * worker: the job runs in the CLI's job worker; several: each cell runs in a worker of the pool.
 */
export async function sweepCli(modelPath: string, opts: SweepCommandOptions & { json?: boolean; quiet?: boolean; workers?: string }): Promise<SweepResult> {
  let done = 0;
  const line = (r: SweepRun, n: number) => {
    if (!opts.quiet) process.stderr.write(`${runLine(r, n)}\n`);
  };
  // One pipeline: the job worker runs the sweep, on a pool of nested cell workers when workers > 1.
  const workers = workersOf(opts.workers);
  // Runs arrive in the order they finish (several workers): number each by its cell in the grid.
  const options = sweepJobOptions(opts);
  const cells = sweepCells(
    [...new Set(options.seeds ?? [1, 2, 3])],
    [...new Set(options.ratios)],
    [...new Set(options.graphs ?? ['searched', 'ring'])] as Exclude<GraphKind, 'dense'>[],
    options.dense === true,
  );
  const cellNumber = (r: SweepRun): number | undefined => {
    const i = cells.findIndex((c) => c.seed === r.seed && c.graph === r.graph && (c.graph === 'dense' || c.ratio === r.ratio));
    return i < 0 ? undefined : i + 1;
  };
  const { result } = await runCliJob<'sweep'>(
    { kind: 'sweep', modelPath, options, ...(workers > 1 ? { workers } : {}) },
    { quiet: opts.quiet === true, onRecord: (m) => { if (m.type === 'sweepRun') line(m.run, cellNumber(m.run) ?? ++done); } },
  );
  process.stdout.write(opts.json ? JSON.stringify(result, null, 2) + '\n' : sweepTable(result));
  return result;
}

/** Registers `rgp sweep` (run in the CLI's job worker, src/cli/runJob.ts). */
export function registerSweepCommand(program: Command): void {
  addWorkersFlag(addPlanFlags(addTrainingFlags(
    program
      .command('sweep')
      .description('train the model masked at each ratio by each graph kind for each seed (plus a dense baseline); writes results.json + results.csv')
      .argument('<model.json>', 'path to the model.json of a TF.js layers model (never modified)')
      .option('--ratios <list>', 'pruning ratios, comma-separated (n = 64: 0.9375 is k = 4, 0.875 is k = 8)')
      .option('--graphs <list>', 'graph kinds, comma-separated: searched, random, ring (default searched,ring)')
      .option('--seeds <list>', 'seeds, comma-separated (default 1,2,3)')
      .option('--dense', 'also train the unmasked model once per seed (the baseline)')
      .option('--out <dir>', 'output folder for results.json and results.csv (default: <model folder>-sweep)'),
  ))).action(async (modelPath: string, opts: SweepCommandOptions & PlanFlags & { json?: boolean; quiet?: boolean; workers?: string }) => {
    if (opts.plan !== undefined) return planSweepCli(modelPath, opts);
    await sweepCli(modelPath, opts);
  });
}
