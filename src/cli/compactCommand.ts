/**
 * `rgp compact` and `rgp bench` (issue 13):
 *
 *   rgp compact <pruned folder> [--form auto|gather-conv|conv-gather-sum|gather-depthwise|…] [--batch 64] [--threads 1]
 *               [--out model.compact.onnx] [--overwrite]
 *   rgp bench <model> [--compact model.compact.onnx] [--batch 1,64] [--threads 1] [--repeats 10]
 *               [--warmup 3] [--out bench.json] [--overwrite]
 *
 * Registered from src/cli.ts with one line (registerCompactCommands). Both run in the CLI's job worker,
 * like every command (Ctrl+C / SIGTERM cancel within a second, temporaries removed). Results print as JSON.
 */
import type { Command } from 'commander';
import { RgpError } from '../core/errors';
import type { BenchOptions } from '../jobs/benchModel';
import type { CompactOptions } from '../jobs/compactModel';
import type { JobRequest } from '../protocol/worker';
import { runCliJob } from './runJob';

function intList(value: string | undefined, flag: string): number[] | undefined {
  if (value === undefined) return undefined;
  const xs = value.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (xs.length === 0 || xs.some((x) => !Number.isInteger(x))) throw new RgpError('BAD_ARGUMENT', `--${flag} expects integers separated by commas, got "${value}".`, `Example: --${flag} 1,64.`);
  return xs;
}

function int(value: string | undefined, flag: string): number | undefined {
  const xs = intList(value, flag);
  if (xs && xs.length !== 1) throw new RgpError('BAD_ARGUMENT', `--${flag} takes one integer, got "${value}".`, `Example: --${flag} 1.`);
  return xs?.[0];
}

export interface CompactCommandOptions {
  form?: string;
  batch?: string;
  threads?: string;
  out?: string;
  overwrite?: boolean;
}

/** The worker job of `rgp compact` (flags parsed here; everything else is checked in the job). */
export function compactRequest(folder: string, opts: CompactCommandOptions): Extract<JobRequest, { kind: 'compact' }> {
  const batch = int(opts.batch, 'batch');
  const threads = int(opts.threads, 'threads');
  const options: CompactOptions = {
    ...(opts.form !== undefined ? { form: opts.form as CompactOptions['form'] } : {}),
    ...(batch !== undefined ? { batch } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(opts.out !== undefined ? { out: opts.out } : {}),
    overwrite: opts.overwrite === true,
  };
  return { kind: 'compact', folder, options };
}

export interface BenchCommandOptions {
  compact?: string;
  batch?: string;
  threads?: string;
  repeats?: string;
  warmup?: string;
  out?: string;
  overwrite?: boolean;
}

/** The worker job of `rgp bench`. */
export function benchRequest(model: string, opts: BenchCommandOptions): Extract<JobRequest, { kind: 'bench' }> {
  const batches = intList(opts.batch, 'batch');
  const threads = intList(opts.threads, 'threads');
  const repeats = int(opts.repeats, 'repeats');
  const warmup = int(opts.warmup, 'warmup');
  const options: BenchOptions = {
    ...(opts.compact !== undefined ? { compact: opts.compact } : {}),
    ...(batches ? { batches } : {}),
    ...(threads ? { threads } : {}),
    ...(repeats !== undefined ? { repeats } : {}),
    ...(warmup !== undefined ? { warmup } : {}),
  };
  return { kind: 'bench', modelPath: model, options, ...(opts.out !== undefined ? { out: opts.out } : {}), overwrite: opts.overwrite === true };
}

type Quiet = { quiet?: boolean };

/** Registers `rgp compact` and `rgp bench`; both run in the CLI's job worker (src/cli/runJob.ts). */
export function registerCompactCommands(program: Command): void {
  const print = (v: unknown) => process.stdout.write(JSON.stringify(v, null, 2) + '\n');
  program
    .command('compact')
    .description('write model.compact.onnx from a pruned folder: every masked layer as standard ONNX ops storing only its kept weights (the fastest realization per layer, timed here)')
    .argument('<pruned folder>', 'a folder written by rgp prune (model.onnx or model.json, masks.json, report.json); only read')
    .option('--form <form>', 'auto (time each realization per layer, and batched vs per-image execution; default), gather-conv, conv-gather-sum, conv-gather-reducesum, gather-depthwise (convolutions); gather-matmul, matmul-gather-sum (dense layers); expand-dense (both: the kept weights stored, expanded to the dense kernel when the model loads)')
    .option('--batch <b>', 'batch size the realizations are timed at (default 64)')
    .option('--threads <t>', 'threads they are timed with (default 1; 0 = all cores)')
    .option('--out <file>', 'output file (default <pruned folder>/model.compact.onnx); a report goes beside it as <name>.report.json')
    .option('--overwrite', 'replace an existing compact model')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (folder: string, opts: CompactCommandOptions & Quiet) => {
      print((await runCliJob<'compact'>(compactRequest(folder, opts), { quiet: opts.quiet === true })).summary);
    });
  program
    .command('bench')
    .description('latency of a model and its compact form in onnxruntime-node, in one process (warm-up, interleaved runs, median); prints JSON')
    .argument('<model>', 'the dense or masked model (.onnx, or a TF.js model.json converted in memory)')
    .option('--compact <file>', 'the compact model (default: model.compact.onnx beside the model, if there)')
    .option('--batch <list>', 'batch sizes, e.g. 1,64 (default 1,64)')
    .option('--threads <list>', 'intra-op thread counts, e.g. 1,0 (0 = all cores; default 1)')
    .option('--repeats <r>', 'timed runs per model and configuration (default 10)')
    .option('--warmup <w>', 'untimed runs first (default 3)')
    .option('--out <file>', 'also write the result to this JSON file (never over a model)')
    .option('--overwrite', 'replace an existing --out file that rgp wrote')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (model: string, opts: BenchCommandOptions & Quiet) => {
      print((await runCliJob<'bench'>(benchRequest(model, opts), { quiet: opts.quiet === true })).summary);
    });
}
