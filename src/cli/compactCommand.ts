/**
 * `rgp compact` and `rgp bench` (issue 13):
 *
 *   rgp compact <pruned folder> [--form auto|gather-conv|conv-gather-sum|…] [--batch 64] [--threads 1]
 *               [--out model.compact.onnx] [--overwrite]
 *   rgp bench <model> [--compact model.compact.onnx] [--batch 1,64] [--threads 1] [--repeats 10]
 *               [--warmup 3] [--out bench.json]
 *
 * Registered from src/cli.ts with one line (registerCompactCommands). Results print as JSON.
 */
import type { Command } from 'commander';
import { RgpError } from '../core/errors';
import type { JobContext } from '../core/job';
import { writeJsonAtomic } from '../io/atomicWrite';
import { benchModel, type BenchSummary } from '../jobs/benchModel';
import { compactPrunedModel, type CompactOptions, type CompactSummary } from '../jobs/compactModel';

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

export async function compactCommand(folder: string, opts: CompactCommandOptions, ctx: JobContext): Promise<CompactSummary> {
  const batch = int(opts.batch, 'batch');
  const threads = int(opts.threads, 'threads');
  const o: CompactOptions = {
    ...(opts.form !== undefined ? { form: opts.form as CompactOptions['form'] } : {}),
    ...(batch !== undefined ? { batch } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(opts.out !== undefined ? { out: opts.out } : {}),
    overwrite: opts.overwrite === true,
  };
  return compactPrunedModel(folder, o, ctx);
}

export interface BenchCommandOptions {
  compact?: string;
  batch?: string;
  threads?: string;
  repeats?: string;
  warmup?: string;
  out?: string;
}

export async function benchCommand(model: string, opts: BenchCommandOptions, ctx: JobContext): Promise<BenchSummary> {
  const batches = intList(opts.batch, 'batch');
  const threads = intList(opts.threads, 'threads');
  const repeats = int(opts.repeats, 'repeats');
  const warmup = int(opts.warmup, 'warmup');
  const result = await benchModel(
    model,
    {
      ...(opts.compact !== undefined ? { compact: opts.compact } : {}),
      ...(batches ? { batches } : {}),
      ...(threads ? { threads } : {}),
      ...(repeats !== undefined ? { repeats } : {}),
      ...(warmup !== undefined ? { warmup } : {}),
    },
    ctx,
  );
  if (opts.out) await writeJsonAtomic(opts.out, result);
  return result;
}

type Quiet = { quiet?: boolean };

export function registerCompactCommands(program: Command, jobContext: (quiet: boolean) => { ctx: JobContext }): void {
  const print = (v: unknown) => process.stdout.write(JSON.stringify(v, null, 2) + '\n');
  const clear = (quiet?: boolean) => {
    if (process.stderr.isTTY && !quiet) process.stderr.write('\r\x1b[K');
  };
  program
    .command('compact')
    .description('write model.compact.onnx from a pruned folder: every masked layer as standard ONNX ops storing only its kept weights (the fastest realization per layer, timed here)')
    .argument('<pruned folder>', 'a folder written by rgp prune (model.onnx or model.json, masks.json, report.json); only read')
    .option('--form <form>', 'auto (time each realization per layer, default), gather-conv, conv-gather-sum, conv-gather-reducesum, gather-matmul, matmul-gather-sum')
    .option('--batch <b>', 'batch size the realizations are timed at (default 64)')
    .option('--threads <t>', 'threads they are timed with (default 1; 0 = all cores)')
    .option('--out <file>', 'output file (default <pruned folder>/model.compact.onnx); a report goes beside it as <name>.report.json')
    .option('--overwrite', 'replace an existing compact model')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (folder: string, opts: CompactCommandOptions & Quiet) => {
      const { ctx } = jobContext(!!opts.quiet);
      const r = await compactCommand(folder, opts, ctx);
      clear(opts.quiet);
      print(r);
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
    .option('--out <file>', 'also write the result to this JSON file')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (model: string, opts: BenchCommandOptions & Quiet) => {
      const { ctx } = jobContext(!!opts.quiet);
      const r = await benchCommand(model, opts, ctx);
      clear(opts.quiet);
      print(r);
    });
}
