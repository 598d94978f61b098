/**
 * The CLI of split experiments (src/jobs/grid): `--plan` (and `--k8s`) on `rgp sweep` / `rgp sparsify`,
 * `rgp run-cell` and `rgp merge`.
 *
 *   rgp sweep … --plan plan.json [--k8s job.yaml --image IMAGE [--parallelism P] [--claim PVC] [--job-name N]]
 *   rgp sparsify … --plan plan.json [same]
 *   rgp run-cell plan.json [--index I] --out cells/      (I defaults to $JOB_COMPLETION_INDEX)
 *   rgp merge plan.json cells/ --out results/ [--overwrite]
 *
 * stdout: one JSON object (the plan's summary, the cell written, or the merged result's summary).
 */
import type { Command } from 'commander';
import * as path from 'node:path';
import { RgpError } from '../core/errors';
import { writeFileAtomic } from '../io/atomicWrite';
import { checkPlanPortable, indexedJob, toYaml } from '../jobs/grid/k8sJob';
import { planDigest, sparsifyPlan, sweepPlan, writePlan, type GridPlan } from '../jobs/grid/plan';
import { runCliJob } from './runJob';
import type { SparsifyCommandOptions } from './sparsifyCommand';
import { sparsifyOptions } from './sparsifyCommand';
import type { SweepCommandOptions } from './sweepCommand';
import { sweepJobOptions as sweepOptions } from './sweepCommand';

export interface PlanFlags {
  plan?: string;
  k8s?: string;
  image?: string;
  parallelism?: string;
  claim?: string;
  jobName?: string;
}

/** Adds --plan and the --k8s flags to `rgp sweep` / `rgp sparsify`. */
export function addPlanFlags(cmd: Command): Command {
  return cmd
    .option('--plan <file>', 'write every cell of the grid to this plan file instead of running it (then rgp run-cell, rgp merge)')
    .option('--k8s <file>', 'with --plan: also write a Kubernetes Indexed Job (one pod per cell) to this YAML file')
    .option('--image <image>', 'with --k8s: the container image built from this repository (see the Dockerfile)')
    .option('--parallelism <p>', 'with --k8s: pods running at once (default: every cell)')
    .option('--claim <pvc>', "with --k8s: PersistentVolumeClaim of the shared volume holding the plan's folder (default rgp-shared)")
    .option('--job-name <name>', 'with --k8s: name of the Job (default rgp-<job>-<plan digest>)');
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (value.trim() === '' || !Number.isInteger(v) || v < 1) throw new RgpError('BAD_ARGUMENT', `--${flag} must be a positive integer, got "${value}".`, 'Example: --parallelism 8.');
  return v;
}

async function writePlanAndJob(plan: GridPlan, flags: PlanFlags): Promise<{ plan: string; cells: number; digest: string; job?: string }> {
  const digest = planDigest(plan);
  let yaml: string | undefined;
  if (flags.k8s !== undefined) {
    if (flags.image === undefined) throw new RgpError('BAD_ARGUMENT', '--k8s needs --image.', 'Build the image from the repository (docker build -t IMAGE .) and name it with --image.');
    checkPlanPortable(plan);
    const parallelism = positiveInt(flags.parallelism, 'parallelism');
    yaml = toYaml(indexedJob(plan, { image: flags.image, digest, planFile: path.basename(flags.plan!), ...(parallelism ? { parallelism } : {}), ...(flags.claim ? { claimName: flags.claim } : {}), ...(flags.jobName ? { name: flags.jobName } : {}) }));
  } else if (flags.image !== undefined || flags.parallelism !== undefined || flags.claim !== undefined || flags.jobName !== undefined) {
    throw new RgpError('BAD_ARGUMENT', '--image, --parallelism, --claim and --job-name describe the Kubernetes Job of --k8s.', 'Add --k8s job.yaml, or leave them out.');
  }
  // Every check is done: now write (the plan first; the Job refers to it).
  await writePlan(flags.plan!, plan);
  if (yaml !== undefined) await writeFileAtomic(flags.k8s!, yaml);
  return { plan: path.resolve(flags.plan!), cells: plan.cells.length, digest, ...(flags.k8s ? { job: path.resolve(flags.k8s) } : {}) };
}

/** `rgp sweep … --plan FILE`: writes the plan (and the Job), runs nothing. */
export async function planSweepCli(modelPath: string, opts: SweepCommandOptions & PlanFlags & { out?: string }): Promise<void> {
  if (opts.out !== undefined) throw new RgpError('BAD_ARGUMENT', 'A plan writes no results; --out belongs to rgp merge.', 'Leave out --out; later: rgp merge PLAN CELLS --out DIR.');
  const plan = await sweepPlan(modelPath, sweepOptions(opts), opts.plan!);
  process.stdout.write(JSON.stringify(await writePlanAndJob(plan, opts), null, 2) + '\n');
}

/** `rgp sparsify … --plan FILE`. */
export async function planSparsifyCli(opts: SparsifyCommandOptions & PlanFlags): Promise<void> {
  if (opts.out !== undefined) throw new RgpError('BAD_ARGUMENT', 'A plan writes no results; --out belongs to rgp merge.', 'Leave out --out; later: rgp merge PLAN CELLS --out DIR.');
  const plan = await sparsifyPlan(sparsifyOptions(opts), opts.plan!);
  process.stdout.write(JSON.stringify(await writePlanAndJob(plan, opts), null, 2) + '\n');
}

/**
 * Registers `rgp run-cell` and `rgp merge`. Both run in the CLI's job worker (src/cli/runJob.ts), as every
 * command does: a cell trains for minutes, and Ctrl+C / SIGTERM must stop it within a second.
 */
export function registerPlanCommands(program: Command): void {
  program
    .command('run-cell')
    .description('run one cell of a plan (rgp sweep|sparsify … --plan) and write its result file cell-<index>.json atomically')
    .argument('<plan.json>', 'the plan')
    .option('--index <i>', 'the cell, from 0 (default: $JOB_COMPLETION_INDEX of a Kubernetes Indexed Job)')
    .requiredOption('--out <dir>', 'folder of the cell files (created if missing)')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (planPath: string, opts: { index?: string; out: string; quiet?: boolean }) => {
      const completionIndex = process.env.JOB_COMPLETION_INDEX;
      const { cell, key, file, seconds } = await runCliJob<'runCell'>(
        { kind: 'runCell', planPath, out: opts.out, ...(opts.index !== undefined ? { index: opts.index } : {}), ...(completionIndex !== undefined ? { completionIndex } : {}) },
        { quiet: opts.quiet === true },
      );
      process.stdout.write(JSON.stringify({ cell, key, file, seconds }, null, 2) + '\n');
    });
  program
    .command('merge')
    .description("check that every cell of a plan is present and consistent, and write the same results.json + results.csv a local run writes")
    .argument('<plan.json>', 'the plan')
    .argument('<cells>', 'folder of the cell files')
    .requiredOption('--out <dir>', 'output folder for results.json and results.csv')
    .option('--overwrite', 'replace an existing non-empty output folder')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (planPath: string, cellsDir: string, opts: { out: string; overwrite?: boolean; quiet?: boolean }) => {
      const { runs, files } = await runCliJob<'merge'>({ kind: 'merge', planPath, cellsDir, out: opts.out, overwrite: opts.overwrite === true }, { quiet: opts.quiet === true });
      process.stdout.write(JSON.stringify({ runs, files }, null, 2) + '\n');
    });
}
