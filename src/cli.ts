/**
 * `rgp`: the headless CLI over the same core the extension uses. Every job runs in the same worker job
 * runner as the extension (src/cli/runJob.ts), so Ctrl+C and SIGTERM cancel it at once and leave no
 * temporary folder. Results go to stdout; user errors — bad files, bad options, usage mistakes — go to
 * stderr as one clear line (control characters escaped) and exit code 2; a cancelled job exits 130
 * (SIGINT) or 143 (SIGTERM); anything else is a bug and keeps its stack trace (exit 1).
 */
import { Command, CommanderError } from 'commander';
import { isRgpError } from './core/errors';
import { pruneJobOptions, type PruneCommandOptions } from './cli/pruneCommand';
import type { GraphCommandOptions } from './cli/graphCommand';
import { runCliJob, signalExitCode } from './cli/runJob';
import { oneLine } from './cli/safeText';
import { registerTrainCommand } from './cli/trainCommand';
import { registerSweepCommand } from './cli/sweepCommand';
import { registerSparsifyCommand } from './cli/sparsifyCommand';
import { registerConvertCommand } from './cli/convertCommand';
import { registerCompactCommands } from './cli/compactCommand';
import { registerPlanCommands } from './cli/planCommands';
import * as path from 'node:path';
import { graphText, inspectText, pruneText } from './cli/humanOutput';

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

/** Examples for the subcommands registered outside this file (each subcommand's help ends with one). */
const SUBCOMMAND_EXAMPLES: Record<string, string[]> = {
  train: ['examples/mnist-mlp/model/model.json --data examples/mnist-mlp/mnist.dataset.json --ratio 0.9375 --epochs 5'],
  sweep: ['examples/mnist-mlp/model/model.json --data examples/mnist-mlp/mnist.dataset.json --ratios 0.875,0.9375 --seeds 1,2 --dense'],
  sparsify: ['--dataset email-eu-core --methods dense,rgp,rigl --sparsities 0.9375 --seeds 1'],
  convert: ['model.keras --to tfjs', 'examples/mnist-mlp/model/model.json --to onnx'],
  compact: ['examples/mnist-mlp/model-rgp-0.9375', 'resnet18-rgp-0.9375 --form conv-gather-sum --out resnet18.compact.onnx'],
  bench: ['resnet18-rgp-0.9375/model.onnx --batch 1,64 --threads 1 --out bench.json'],
  'run-cell': ['plan.json --index 0 --out cells/'],
  merge: ['plan.json cells/ --out results/'],
};

function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('rgp')
    .description('Regular Graph Pruning: prune neural networks through the regular graph structure of their layers.')
    .version(packageVersion(), '-V, --version', 'print the version of rgp')
    .addHelpText('after', EXAMPLES);

  program
    .command('inspect')
    .description('print the layers of a model (name, class, weight shapes, parameters, zeros)')
    .argument('<model>', 'a TF.js model.json, an ONNX .onnx, or a Keras .keras / .h5 file')
    .option('--out <file>', 'also write the summary to this JSON file (never over the model or its shards)')
    .option('--overwrite', 'replace an existing --out file that rgp wrote')
    .option('--json', 'print the summary as JSON instead of text')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', '\nExamples:\n  $ rgp inspect examples/mnist-mlp/model/model.json\n  $ rgp inspect resnet18.onnx --json')
    .action(async (modelPath: string, opts: { out?: string; overwrite?: boolean; quiet?: boolean; json?: boolean }) => {
      const { summary } = await runCliJob<'inspect'>({ kind: 'inspect', modelPath, ...(opts.out !== undefined ? { out: opts.out } : {}), overwrite: opts.overwrite === true }, { quiet: opts.quiet === true });
      if (opts.json) printJson(summary);
      else process.stdout.write(inspectText(summary, modelPath));
    });
  program
    .command('graph')
    .description('search a random connected k-regular graph for a low ASPL (or evaluate --in FILE); prints one JSON object')
    .option('--nodes <n>', 'node count n (the channel groups of RGP; default 64 with --degree)')
    .option('--degree <k>', 'degree k (n·k even, 1 ≤ k < n)')
    .option('--swaps <m>', 'budget in proposed swaps (default: by n and k, a few seconds); the same seed gives the same graph anywhere')
    .option('--seconds <s>', 'wall-clock cap on the search; the output says when it bit (stoppedBy: time-cap)')
    .option('--seed <x>', 'seed of the start graph and the search (default 1)')
    .option('--chains <c>', 'independent search chains on separate threads; the best wins (default 1)')
    .option('--symmetry <g>', 'search only graphs invariant under node i ↦ i + n/g (g divides n): one swap moves g edges, the ASPL comes from n/g sources (default 1 = none)')
    .option('--descend', 'with --symmetry G: search under order G, then relax the symmetry level by level to none from the best graph (the swap budget is the total); usually a lower ASPL than either alone')
    .option('--restarts <r>', 'independent searches one after another, each with 1/r of the swap budget (with --descend, r whole descents); the best wins — on small graphs more starts beat one long walk (default 1)')
    .option('--tabu', 'small graphs (n·k/2 ≤ 1024; larger with --symmetry, searched under it): repeatedly a short search (1/48 of the budget; with --descend a descent) from a new seed, then a tabu search that evaluates every swap (under --symmetry every orbit swap and voltage move) each step until it stalls; the best wins (swaps evaluated count against --swaps)')
    .option('--start-swaps <m>', 'with --tabu: swaps of each start\'s search before its tabu search (default 1/48 of --swaps); larger graphs want longer starts, e.g. 1000000 at n = 256, k = 8')
    .option('--in <file>', 'a graph to evaluate (edge list "u v" per line, or JSON {nodes, edges}); with a budget, the start of the search')
    .option('--out <file>', 'write the graph (edges), its statistics and the ASPL history as JSON')
    .option('--overwrite', 'replace an existing --out file that rgp wrote')
    .option('--kernel <kind>', 'ASPL kernel: auto, wasm or ts (default auto)')
    .option('--json', 'print the result as JSON instead of text')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', '\nExamples:\n  $ rgp graph --nodes 64 --degree 4 --swaps 50000 --seed 1\n  $ rgp graph --nodes 64 --degree 8 --swaps 3000000 --symmetry 8 --descend\n  $ rgp graph --nodes 64 --degree 4 --swaps 9000000 --symmetry 4 --descend --tabu\n  $ rgp graph --nodes 256 --degree 8 --swaps 56000000 --symmetry 64 --tabu --start-swaps 1000000 --chains 2\n  $ rgp graph --in out/model-rgp-0.9375/graph.json')
    .action(async (opts: GraphCommandOptions & { quiet?: boolean; json?: boolean }) => {
      const { quiet, json, ...options } = opts;
      const { output } = await runCliJob<'graphCommand'>({ kind: 'graphCommand', options: { ...options } }, { quiet: quiet === true });
      if (json) printJson(output);
      else process.stdout.write(graphText(output));
    });

  program
    .command('prune')
    .description('prune a model through a low-ASPL regular graph; writes a new model folder in the model\'s own format and prints a summary (--json: the report)')
    .argument('<model>', 'a TF.js model.json, an ONNX .onnx, or a Keras .keras / .h5 file (never modified)')
    .requiredOption('--ratio <r>', 'fraction of weights to remove in masked layers, 0 < r < 1 (nearest feasible k is used; n=64: 0.9375 is k=4)')
    .option('--groups <n>', 'node count n: channel groups per layer (default: min(64, the narrowest masked layer’s channels), reported in the result)')
    .option('--layer-groups <name=n,...>', "a layer's own node count n (2 ≤ n ≤ its C_in, C_out), e.g. for a layer narrower than --groups; each distinct n gets its own graph")
    .option('--seed <s>', 'seed of the random graph and its search (default 1)')
    .option('--search-swaps <m>', 'ASPL search budget in proposed swaps per graph (default: by n and k; 0 = the random graph as drawn): the same seed gives the same masks anywhere')
    .option('--search-chains <c>', 'independent search chains per graph on separate threads, each with the full swap budget; the best is kept, the same for a seed and chain count (default 1)')
    .option('--search-seconds <t>', 'wall-clock cap on the whole ASPL search (none by default); the report says when it bit')
    .option('--keep-first', 'keep the first maskable layer dense (the default, as in RGP)')
    .option('--mask-first', 'prune the first maskable layer too')
    .option('--keep-last', 'keep the last maskable layer (the classifier) dense (the default)')
    .option('--mask-last', 'prune the last maskable layer too')
    .option('--keep-dense <names>', 'comma-separated layer names to leave dense')
    .option('--self-loops', "graph2nn's variant: each group keeps its own block, kept fraction (k+1)/n")
    .option('--out <dir>', 'output folder (default: <model folder>-rgp-<ratio> beside the input)')
    .option('--overwrite', 'replace an existing output folder (never the input)')
    .option('--compact', 'also write model.compact.onnx: the masked layers as standard ONNX ops storing only the kept weights (see rgp compact)')
    .option('--json', 'print the report as JSON instead of text')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', '\nExamples:\n  $ rgp prune examples/mnist-mlp/model/model.json --ratio 0.9375\n  $ rgp prune resnet18.onnx --ratio 0.9375 --compact\n  $ rgp prune model.keras --ratio 0.875 --mask-first --seed 2 --out pruned/ --json')
    .action(async (modelPath: string, opts: PruneCommandOptions & { quiet?: boolean; compact?: boolean; json?: boolean }) => {
      const { summary } = await runCliJob<'prune'>({ kind: 'prune', modelPath, options: pruneJobOptions(opts) }, { quiet: opts.quiet === true });
      const compact = opts.compact ? (await runCliJob<'compact'>({ kind: 'compact', folder: summary.outputPath, options: { overwrite: true } }, { quiet: opts.quiet === true })).summary : undefined;
      if (opts.json) printJson(compact ? { ...summary, compact } : summary);
      else process.stdout.write(pruneText(summary) + (compact ? `compact model: ${compact.outputPath} (${(compact.bytes.compact / 1e6).toFixed(2)} MB, ${compact.parameters.stored} weights stored)\n` : ''));
    });
  registerTrainCommand(program);
  registerSweepCommand(program);
  registerSparsifyCommand(program);
  registerConvertCommand(program);
  registerCompactCommands(program);
  registerPlanCommands(program);
  // Every subcommand's help ends with an example (issue 15); these are the ones registered elsewhere.
  for (const c of program.commands) {
    const examples = SUBCOMMAND_EXAMPLES[c.name()];
    if (examples) c.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ rgp ${c.name()} ${e}`).join('\n')}`);
  }
  return program;
}


/** Usage mistakes (unknown option, missing argument) are user errors: exit 2, like every other. */
function configureUsage(cmd: Command): void {
  cmd.exitOverride().configureOutput({
    // Commander's own message, one line, control characters escaped; help text stays as it is.
    outputError: (text, write) => {
      const line = oneLine(text.replace(/^error:\s*/i, ''));
      write(`rgp: ${line}${/[.!?]$/.test(line) ? '' : '.'} See rgp ${cmd.parent ? `${cmd.name()} ` : ''}--help.\n`);
    },
  });
  for (const sub of cmd.commands) configureUsage(sub);
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  configureUsage(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (isRgpError(e)) {
      process.stderr.write(`rgp: ${oneLine(e.userMessage)}\n`);
      return e.code === 'CANCELLED' ? signalExitCode() ?? 130 : 2;
    }
    process.stderr.write(`rgp: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    // As bin/rgp.js: after a signal, exit at once rather than risk a second one during teardown.
    if (code === 130 || code === 143) process.exit(code);
    process.exitCode = code;
  });
}
