/**
 * `rgp`: the headless CLI over the same core the extension uses. Results go to stdout as JSON; user
 * errors go to stderr as one clear line and exit code 2; Ctrl+C cancels the running job cleanly.
 */
import { Command, CommanderError } from 'commander';
import { isRgpError } from './core/errors';
import { CancelSource, type JobContext } from './core/job';
import { inspectModel } from './jobs/inspectModel';
import { writeJsonAtomic } from './io/atomicWrite';
import { pruneCommand, type PruneCommandOptions } from './cli/pruneCommand';
import { graphCommand, type GraphCommandOptions } from './cli/graphCommand';
import { registerTrainCommand } from './cli/trainCommand';
import { registerSweepCommand } from './cli/sweepCommand';
import { registerSparsifyCommand } from './cli/sparsifyCommand';
import { registerCompactCommands } from './cli/compactCommand';
import { compactPrunedModel } from './jobs/compactModel';
import * as path from 'node:path';

function jobContext(quiet: boolean): { ctx: JobContext; cancel: CancelSource } {
  const cancel = new CancelSource();
  process.once('SIGINT', () => {
    process.stderr.write('rgp: cancelling…\n');
    cancel.cancel();
  });
  return {
    cancel,
    ctx: {
      signal: cancel,
      progress: { report: (p) => { if (!quiet && process.stderr.isTTY) process.stderr.write(`\r\x1b[K${p.message}`); } },
    },
  };
}

function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('rgp')
    .description('Regular Graph Pruning: prune neural networks through the regular graph structure of their layers.')
    .version('0.1.0')
    .showHelpAfterError();

  program
    .command('inspect')
    .description('print the layers of a model (name, class, weight shapes, parameters) as JSON')
    .argument('<model>', 'a TF.js model.json or an ONNX .onnx file')
    .option('--out <file>', 'also write the summary to this JSON file')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (modelPath: string, opts: { out?: string; quiet?: boolean }) => {
      const { ctx } = jobContext(!!opts.quiet);
      const summary = await inspectModel(modelPath, ctx);
      if (process.stderr.isTTY && !opts.quiet) process.stderr.write('\r\x1b[K');
      if (opts.out) await writeJsonAtomic(opts.out, summary);
      printJson(summary);
    });
  program
    .command('graph')
    .description('search a random connected k-regular graph for a low ASPL (or evaluate --in FILE); prints one JSON object')
    .option('--nodes <n>', 'node count n (the channel groups of RGP; default 64 with --degree)')
    .option('--degree <k>', 'degree k (n·k even, 1 ≤ k < n)')
    .option('--seconds <s>', 'time budget of the swap search (default 10)')
    .option('--swaps <m>', 'budget in proposed swaps instead: deterministic for a seed')
    .option('--seed <x>', 'seed of the start graph and the search (default 1)')
    .option('--chains <c>', 'independent search chains on separate threads; the best wins (default 1)')
    .option('--in <file>', 'a graph to evaluate (edge list "u v" per line, or JSON {nodes, edges}); with a budget, the start of the search')
    .option('--out <file>', 'write the graph (edges), its statistics and the ASPL history as JSON')
    .option('--kernel <kind>', 'ASPL kernel: auto, wasm or ts (default auto)')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (opts: GraphCommandOptions & { quiet?: boolean }) => {
      const { ctx } = jobContext(!!opts.quiet);
      const result = await graphCommand(opts, { ctx, worker: { script: path.join(__dirname, 'searchChain.js') } });
      if (process.stderr.isTTY && !opts.quiet) process.stderr.write('\r\x1b[K');
      printJson(result);
    });

  program
    .command('prune')
    .description('prune a model through a low-ASPL regular graph; writes a new model folder and prints the report as JSON')
    .argument('<model>', 'a TF.js model.json or an ONNX .onnx file (never modified)')
    .requiredOption('--ratio <r>', 'fraction of weights to remove in masked layers, 0 < r < 1 (nearest feasible k is used; n=64: 0.9375 is k=4)')
    .option('--groups <n>', 'node count n: channel groups per layer (default 64; at most the smallest channel count of a masked layer)')
    .option('--layer-groups <name=n,...>', "a layer's own node count n (2 ≤ n ≤ its C_in, C_out), e.g. for a layer narrower than --groups; each distinct n gets its own graph")
    .option('--seed <s>', 'seed of the random graph and its search (default 1)')
    .option('--search-seconds <t>', 'time budget of the ASPL search, shared by all graphs (default 5; 0 = the random graph as drawn)')
    .option('--search-swaps <m>', 'budget in proposed swaps instead of seconds: deterministic for a seed')
    .option('--keep-first', 'keep the first maskable layer dense (the default, as in RGP)')
    .option('--mask-first', 'prune the first maskable layer too')
    .option('--keep-last', 'keep the last maskable layer (the classifier) dense (the default)')
    .option('--mask-last', 'prune the last maskable layer too')
    .option('--keep-dense <names>', 'comma-separated layer names to leave dense')
    .option('--self-loops', "graph2nn's variant: each group keeps its own block, kept fraction (k+1)/n")
    .option('--out <dir>', 'output folder (default: <model folder>-rgp-<ratio> beside the input)')
    .option('--overwrite', 'replace an existing output folder (never the input)')
    .option('--compact', 'also write model.compact.onnx: the masked layers as standard ONNX ops storing only the kept weights (see rgp compact)')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (modelPath: string, opts: PruneCommandOptions & { quiet?: boolean; compact?: boolean }) => {
      const { ctx } = jobContext(!!opts.quiet);
      const summary = await pruneCommand(modelPath, opts, { ctx });
      const compact = opts.compact ? await compactPrunedModel(summary.outputPath, { overwrite: true }, ctx) : undefined;
      if (process.stderr.isTTY && !opts.quiet) process.stderr.write('\r\x1b[K');
      printJson(compact ? { ...summary, compact } : summary);
    });
  registerTrainCommand(program, jobContext);
  registerSweepCommand(program, jobContext);
  registerSparsifyCommand(program, jobContext);
  registerCompactCommands(program, jobContext);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (isRgpError(e)) {
      process.stderr.write(`rgp: ${e.userMessage}\n`);
      return e.code === 'CANCELLED' ? 130 : 2;
    }
    process.stderr.write(`rgp: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
