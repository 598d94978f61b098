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
import * as path from 'node:path';
import { graphText, inspectText, pruneText, stderrProgress } from './cli/humanOutput';

function jobContext(quiet: boolean): { ctx: JobContext; cancel: CancelSource } {
  const cancel = new CancelSource();
  // A progress bar on stderr only when it is a terminal (humanOutput.stderrProgress); cleared before output.
  const progress = stderrProgress(quiet);
  process.once('SIGINT', () => {
    progress.stop();
    process.stderr.write('rgp: cancelling…\n');
    cancel.cancel();
  });
  process.once('beforeExit', () => progress.stop());
  return { cancel, ctx: { signal: cancel, progress: { report: (p) => progress.report(p) }, ...{ stopProgress: progress.stop } } as JobContext };
}

/** Clears the progress bar (if any) before the result is printed. */
function stopProgress(ctx: JobContext): void {
  (ctx as JobContext & { stopProgress?: () => void }).stopProgress?.();
}

/** The package's version, from package.json (one level above the bundle in dist/ and above src/). */
function packageVersion(): string {
  for (const rel of ['..', '../..']) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const pkg = require(path.join(__dirname, rel, 'package.json')) as { name?: string; version?: string };
      if (pkg.name === 'rgp-vscode' && pkg.version) return pkg.version;
    } catch {
      // try the next place
    }
  }
  return 'unknown';
}

const EXAMPLES = `
Examples:
  $ rgp prune model/model.json --ratio 0.9375          # k = 4 of n = 64; writes model-rgp-0.9375/ beside model/
  $ rgp inspect model/model.json                       # layers, shapes, parameters, zeros
  $ rgp graph --nodes 64 --degree 4 --swaps 50000      # a low-ASPL regular graph, the same for the same seed
  $ rgp prune model/model.json --ratio 0.9375 --json   # the report as JSON (for scripts)`;

function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('rgp')
    .description('Regular Graph Pruning: prune neural networks through the regular graph structure of their layers.')
    .version(packageVersion(), '-V, --version', 'print the version of rgp')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError();

  program
    .command('inspect')
    .description('print the layers of a TF.js layers model (name, class, weight shapes, parameters) as JSON')
    .argument('<model.json>', 'path to the model.json of a TF.js layers model')
    .option('--out <file>', 'also write the summary to this JSON file')
    .option('--json', 'print the summary as JSON instead of text')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', '\nExample:\n  $ rgp inspect examples/mnist-mlp/model/model.json')
    .action(async (modelPath: string, opts: { out?: string; quiet?: boolean; json?: boolean }) => {
      const { ctx } = jobContext(!!opts.quiet);
      const summary = await inspectModel(modelPath, ctx);
      stopProgress(ctx);
      if (opts.out) await writeJsonAtomic(opts.out, summary);
      if (opts.json) printJson(summary);
      else process.stdout.write(inspectText(summary, modelPath));
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
    .option('--json', 'print the result as JSON instead of text')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', '\nExamples:\n  $ rgp graph --nodes 64 --degree 4 --swaps 50000 --seed 1\n  $ rgp graph --in out/model-rgp-0.9375/graph.json')
    .action(async (opts: GraphCommandOptions & { quiet?: boolean; json?: boolean }) => {
      const { ctx } = jobContext(!!opts.quiet);
      const result = await graphCommand(opts, { ctx, worker: { script: path.join(__dirname, 'searchChain.js') } });
      stopProgress(ctx);
      if (opts.json) printJson(result);
      else process.stdout.write(graphText(result));
    });

  program
    .command('prune')
    .description('prune a TF.js layers model through a low-ASPL regular graph; writes a new model folder and prints the report as JSON')
    .argument('<model.json>', 'path to the model.json of a TF.js layers model (never modified)')
    .requiredOption('--ratio <r>', 'fraction of weights to remove in masked layers, 0 < r < 1 (nearest feasible k is used; n=64: 0.9375 is k=4)')
    .option('--groups <n>', 'node count n: channel groups per layer (default: min(64, the narrowest masked layer’s channels), reported in the result)')
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
    .option('--json', 'print the report as JSON instead of text')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', '\nExamples:\n  $ rgp prune examples/mnist-mlp/model/model.json --ratio 0.9375\n  $ rgp prune model.json --ratio 0.875 --mask-first --seed 2 --out pruned/ --json')
    .action(async (modelPath: string, opts: PruneCommandOptions & { quiet?: boolean; json?: boolean }) => {
      const { ctx } = jobContext(!!opts.quiet);
      const summary = await pruneCommand(modelPath, opts, { ctx });
      stopProgress(ctx);
      if (opts.json) printJson(summary);
      else process.stdout.write(pruneText(summary));
    });
  registerTrainCommand(program, jobContext);
  registerSweepCommand(program, jobContext);
  registerSparsifyCommand(program, jobContext);
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
