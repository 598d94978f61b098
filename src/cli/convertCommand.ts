/**
 * `rgp convert <model> --to tfjs|keras|onnx [--out DIR] [--overwrite]`: move a Keras layers model between
 * formats with bit-identical weights (src/jobs/convertModel.ts), in the CLI's job worker (src/cli/runJob.ts)
 * like every other command; prints the summary as JSON.
 */
import type { Command } from 'commander';
import type { ConvertTarget } from '../jobs/convertModel';
import { runCliJob } from './runJob';

/** Registers `rgp convert`. */
export function registerConvertCommand(program: Command): void {
  program
    .command('convert')
    .description('convert a Keras layers model between formats, weights bit-identical: .keras/.h5 → TF.js, TF.js/.h5 → .keras')
    .argument('<model>', 'a TF.js model.json (or its folder), a .keras or a legacy .h5 file (never modified)')
    .requiredOption('--to <format>', 'target format: tfjs, keras or onnx')
    .option('--out <dir>', 'output folder (default: <model>-<format> beside the input)')
    .option('--overwrite', 'replace an existing output folder (never the input)')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (modelPath: string, opts: { to: string; out?: string; overwrite?: boolean; quiet?: boolean }) => {
      const options = { to: opts.to as ConvertTarget, ...(opts.out !== undefined ? { out: opts.out } : {}), overwrite: opts.overwrite === true };
      const { summary } = await runCliJob<'convert'>({ kind: 'convert', modelPath, options }, { quiet: opts.quiet === true });
      process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    });
}
