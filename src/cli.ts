/**
 * `rgp`: the headless CLI over the same core the extension uses. Results go to stdout as JSON; user
 * errors go to stderr as one clear line and exit code 2; Ctrl+C cancels the running job cleanly.
 */
import { Command, CommanderError } from 'commander';
import { isRgpError } from './core/errors';
import { CancelSource, type JobContext } from './core/job';
import { inspectModel } from './jobs/inspectModel';
import { writeJsonAtomic } from './io/atomicWrite';

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
    .description('print the layers of a TF.js layers model (name, class, weight shapes, parameters) as JSON')
    .argument('<model.json>', 'path to the model.json of a TF.js layers model')
    .option('--out <file>', 'also write the summary to this JSON file')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (modelPath: string, opts: { out?: string; quiet?: boolean }) => {
      const { ctx } = jobContext(!!opts.quiet);
      const summary = await inspectModel(modelPath, ctx);
      if (process.stderr.isTTY && !opts.quiet) process.stderr.write('\r\x1b[K');
      if (opts.out) await writeJsonAtomic(opts.out, summary);
      printJson(summary);
    });
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
