/**
 * Where the time of a pooled sweep goes (issue 17): the bench grid (bench/sweep.ts) on a pool, with every
 * progress message and finished run time-stamped per worker from the moment the job starts. The phases a
 * worker passes through show in its messages: its first message marks the end of its start-up (bundle,
 * backend), "reading the dataset", then "run i/N" for each cell it claims and "done" for each finished run.
 * Prints one JSON object: per worker, its phase events (seconds since start) and per cell its seconds.
 *
 * Run: node esbuild.js && npx tsx bench/sweepTrace.ts [--workers 2] [--limit 10000] [--epochs 3] [--seeds 1,2]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobContext } from '../src/core/job';
import { selectBackend } from '../src/core/train/backend';
import type { SweepRun } from '../src/core/train/results';
import { jobWorkerLaunch } from '../src/node/cellPool';
import { parallelSweep } from '../src/node/parallelGrid';
import { sweep } from '../src/jobs/sweep';
import { benchSweepGrid, SWEEP_MODEL } from './sweepGrid';

const ROOT = join(__dirname, '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};

async function main(): Promise<void> {
  await selectBackend();
  const dir = mkdtempSync(join(tmpdir(), 'rgp-sweep-trace-'));
  const t0 = performance.now();
  const at = () => Math.round(performance.now() - t0) / 1000;
  const events: Record<string, Array<[number, string]>> = { host: [] };
  // Only phase changes: the first message of each kind per worker, not every batch.
  const last: Record<string, string> = {};
  const note = (who: string, what: string) => (events[who] ??= []).push([at(), what]);
  const dist = join(ROOT, 'dist', 'worker.js');
  try {
    const options = benchSweepGrid(join(dir, 'out'), { limit: Number(arg('limit', '10000')), epochs: Number(arg('epochs', '3')), seeds: arg('seeds', '1,2').split(',').map(Number) });
    const done = (r: SweepRun, i: number | string) => note('host', `cell ${i} done (${r.graph} ${r.ratio}, ${r.seconds.toFixed(2)} s training)`);
    const ctx: JobContext = {
      signal: { cancelled: false, throwIfCancelled() {} },
      progress: {
        report: (u) => {
          const m = /worker (\d+): (.*)$/.exec(u.message);
          if (!m) return note('host', u.message);
          const phase = m[2]!.replace(/\(.*$|: .*$|, batch.*$/, '').trim();
          if (last[m[1]!] === phase) return;
          last[m[1]!] = phase;
          note(`worker ${m[1]}`, phase);
        },
      },
    };
    const workers = Number(arg('workers', '2'));
    // One worker: the serial job in this thread, its messages filed as worker 1's.
    const result =
      workers === 1
        ? await sweep(SWEEP_MODEL, { ...options, onRun: (r) => done(r, '?') }, { ...ctx, progress: { report: (u) => ctx.progress.report({ ...u, message: `worker 1: ${u.message}` }) } })
        : await parallelSweep(SWEEP_MODEL, options, { workers, launch: existsSync(dist) ? { script: dist } : jobWorkerLaunch(), onCell: (r, i) => done(r as SweepRun, i) }, ctx);
    note('host', `written (${result.runs.length} runs)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify({ seconds: at(), maxRssMiB: process.resourceUsage().maxRSS / 1024, events }, null, 1) + '\n');
}

void main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
