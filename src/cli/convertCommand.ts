/**
 * `rgp convert <model> --to tfjs|keras|onnx [--out DIR] [--overwrite]`: move a Keras layers model between
 * formats with bit-identical weights (src/jobs/convertModel.ts); prints the summary as JSON.
 */
import type { Command } from 'commander';
import type { JobContext } from '../core/job';
import { convertModel, type ConvertTarget } from '../jobs/convertModel';

/** Registers `rgp convert`; `jobContext` is the CLI's (Ctrl+C cancels, progress on a TTY). */
export function registerConvertCommand(program: Command, jobContext: (quiet: boolean) => { ctx: JobContext }): void {
  program
    .command('convert')
    .description('convert a Keras layers model between formats, weights bit-identical: .keras/.h5 → TF.js, TF.js/.h5 → .keras')
    .argument('<model>', 'a TF.js model.json (or its folder), a .keras or a legacy .h5 file (never modified)')
    .requiredOption('--to <format>', 'target format: tfjs, keras or onnx')
    .option('--out <dir>', 'output folder (default: <model>-<format> beside the input)')
    .option('--overwrite', 'replace an existing output folder (never the input)')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (modelPath: string, opts: { to: string; out?: string; overwrite?: boolean; quiet?: boolean }) => {
      const { ctx } = jobContext(!!opts.quiet);
      const summary = await convertModel(modelPath, { to: opts.to as ConvertTarget, ...(opts.out !== undefined ? { out: opts.out } : {}), overwrite: opts.overwrite === true }, ctx);
      if (process.stderr.isTTY && !opts.quiet) process.stderr.write('\r\x1b[K');
      process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    });
}
