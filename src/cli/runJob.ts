/**
 * How the CLI runs a job: in the same worker job runner as the extension (src/host/jobRunner.ts +
 * src/worker), so its main thread is always free to hear a signal.
 *
 *   first SIGINT or SIGTERM  sets the worker's cancel cell at once; the job stops at its next check and
 *                            answers (a cancelled training run still reports its kept checkpoint); a job
 *                            that has not answered after GRACE_MS is terminated — the CLI exits within 1 s;
 *   second signal            terminates the worker now (hurry), still removing its temporary folders;
 *   every exit path          removes the temporary folders the job left (src/io/tempRegistry.ts), and an
 *                            old output moved aside mid-swap is put back.
 *
 * The exit status after a signal is 128 + its number (130 for SIGINT, 143 for SIGTERM), see
 * `signalExitCode`. Progress goes to stderr on a terminal (one rewritten line), or as plain lines when
 * RGP_PROGRESS=1 (logs, scripts that wait for a job to be under way); streamed records go to `onRecord`.
 */
import * as path from 'node:path';
import { startJob, type StreamedRecord } from '../host/jobRunner';
import { cleanTempsSync } from '../io/tempRegistry';
import type { JobRequest, JobResult } from '../protocol/worker';

/** How long a cancelled job may take to answer before its worker is terminated. */
export const GRACE_MS = 700;

let received: NodeJS.Signals | undefined;

/** 128 + the number of the signal that stopped the last job, or undefined when none did. */
export function signalExitCode(): number | undefined {
  if (received === 'SIGINT') return 130;
  if (received === 'SIGTERM') return 143;
  return undefined;
}

/** The job worker beside the CLI bundle (dist/worker.js), or the TypeScript source when run through tsx. */
export function workerLaunch(): { script: string; execArgv?: string[] } {
  return __filename.endsWith('.ts')
    ? { script: path.join(__dirname, '..', 'worker', 'main.ts'), execArgv: ['--require', 'tsx/cjs'] }
    : { script: path.join(__dirname, 'worker.js') };
}

let exitHook = false;
/** The job this process is running, if any: what a signal acts on. */
let running: { abort(): void; terminate(): void; stopBar(): void } | undefined;
let signalHandlers = false;

/**
 * SIGINT / SIGTERM, installed once and kept for the life of the process (removing them would hand a
 * late second signal to the default action, killing the process mid-cleanup): the first cancels the
 * running job, a second terminates its worker at once; with no job running, the process exits with
 * 128 + the first signal's number, its temporary folders already cleaned.
 */
function installSignalHandlers(): void {
  if (signalHandlers) return;
  signalHandlers = true;
  const onSignal = (sig: NodeJS.Signals) => {
    const first = received === undefined;
    if (first) received = sig;
    if (!running) {
      cleanTempsSync();
      process.exit(signalExitCode() ?? 130);
    }
    if (first) {
      running.stopBar();
      process.stderr.write('rgp: cancelling… (press Ctrl+C again to stop at once)\n');
      running.abort();
    } else {
      running.terminate();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

import { stderrProgress } from './humanOutput';

export interface CliJobOptions {
  quiet?: boolean;
  onRecord?: (m: StreamedRecord) => void;
}

/** Runs `request` in a worker; resolves with its result or rejects with its (typed) error. */
export async function runCliJob<K extends JobResult['kind']>(request: JobRequest, opts: CliJobOptions = {}): Promise<Extract<JobResult, { kind: K }>> {
  if (!exitHook) {
    exitHook = true;
    // Last resort: whatever is still listed goes when the process goes, however it goes.
    process.on('exit', () => cleanTempsSync());
  }
  const abort = new AbortController();
  const launch = workerLaunch();
  const bar = stderrProgress(opts.quiet === true);
  // RGP_PROGRESS=1 prints progress as lines when stderr is not a terminal (the signal tests wait on them).
  const progressLines = !process.stderr.isTTY && !opts.quiet && process.env.RGP_PROGRESS === '1';
  const job = startJob(launch.script, request, {
    signal: abort.signal,
    graceMs: GRACE_MS,
    waitOnCancel: true,
    ...(launch.execArgv ? { execArgv: launch.execArgv } : {}),
    onProgress: (p) => {
      if (progressLines) process.stderr.write(`${p.message}\n`);
      else bar.report(p);
    },
    ...(opts.onRecord ? { onRecord: opts.onRecord } : {}),
  });
  running = { abort: () => abort.abort(), terminate: () => job.terminate(), stopBar: () => bar.stop() };
  installSignalHandlers();
  try {
    return (await job.result) as Extract<JobResult, { kind: K }>;
  } finally {
    bar.stop();
    // The worker's own cleanup (or the runner's, after a terminate) must finish before we report.
    await job.exited;
    cleanTempsSync();
    running = undefined;
  }
}
