/**
 * A small sweep run serially and on a pool of worker threads, in the same run (issue 17; target ≥ 1.8× with
 * 2 workers on an idle 2-core machine, identical results.json). Each configuration runs in its own child
 * process, so its peak RSS (process.resourceUsage().maxRSS covers every thread of the process) is its own;
 * configurations are interleaved over `--rounds`. The machine's load (os.loadavg) is recorded before and
 * after each run: a speed-up is only meaningful when the load stayed below the core count.
 *
 * Pool workers run dist/worker.js (build first: node esbuild.js), as the CLI's do.
 * Run: npx tsx bench/sweep.ts [--workers 1,2] [--rounds 1] [--limit 2000] [--epochs 2] [--seeds 1,2]
 *      (prints JSON; each run's results.json is compared with the serial one, timings and paths aside)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { quietContext } from '../src/core/job';
import { selectBackend } from '../src/core/train/backend';
import { sweep, type SweepOptions } from '../src/jobs/sweep';
import { jobWorkerLaunch } from '../src/node/cellPool';
import { parallelSweep } from '../src/node/parallelGrid';

const ROOT = join(__dirname, '..');
const MODEL = join(ROOT, 'examples', 'mnist-mlp', 'model', 'model.json');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const list = (s: string) => s.split(',').map(Number);

function grid(out: string): SweepOptions {
  return {
    dataset: join(ROOT, 'data', 'mnist'),
    datasetLimit: Number(arg('limit', '2000')),
    epochs: Number(arg('epochs', '2')),
    searchSwaps: 5000,
    keepFirst: false,
    ratios: [0.875, 0.9375],
    graphs: ['searched', 'ring'],
    seeds: list(arg('seeds', '1,2')),
    dense: true,
    out,
  };
}

/** Child: one configuration, prints {seconds, maxRssMiB, resultsJson}. */
async function child(workers: number, out: string): Promise<void> {
  await selectBackend();
  const t0 = performance.now();
  const options = grid(out);
  // The bundled worker (what the CLI and the extension start) when built; else the sources under tsx,
  // whose per-thread compile time is not what a user pays.
  const dist = join(ROOT, 'dist', 'worker.js');
  if (workers === 1) await sweep(MODEL, options, quietContext);
  else await parallelSweep(MODEL, options, { workers, launch: existsSync(dist) ? { script: dist } : jobWorkerLaunch() }, quietContext);
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

async function main(): Promise<void> {
  if (arg('child', '') !== '') return child(Number(arg('child', '1')), arg('out', ''));
  const workerCounts = list(arg('workers', '1,2'));
  const rounds = Number(arg('rounds', '1'));
  const dir = mkdtempSync(join(tmpdir(), 'rgp-bench-sweep-'));
  const comparable = (f: string): string => JSON.stringify(JSON.parse(readFileSync(f, 'utf8'), (k, v) => (k === 'seconds' || k === 'files' ? undefined : v)));
  const runs: Array<{ workers: number; round: number; seconds: number; maxRssMiB: number; loadBefore: number[]; loadAfter: number[]; identicalToSerial?: boolean }> = [];
  let reference: string | undefined;
  try {
    for (let round = 0; round < rounds; round++) {
      for (const workers of workerCounts) {
        const out = join(dir, `w${workers}-r${round}`);
        const loadBefore = loadavg();
        const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', String(workers), '--out', out, ...process.argv.slice(2)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
        if (r.status !== 0) throw new Error(`workers ${workers}: ${r.stderr}`);
        const m = JSON.parse(r.stdout.trim().split('\n').pop()!);
        const json = comparable(join(out, 'results.json'));
        reference ??= workers === 1 ? json : undefined;
        runs.push({ workers, round, seconds: m.seconds, maxRssMiB: m.maxRssMiB, loadBefore, loadAfter: loadavg(), ...(reference !== undefined ? { identicalToSerial: json === reference } : {}) });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const best = (w: number) => Math.min(...runs.filter((r) => r.workers === w).map((r) => r.seconds));
  const speedup = Object.fromEntries(workerCounts.filter((w) => w !== 1).map((w) => [w, best(1) / best(w)]));
  const cells = (1 + 2 * 2) * list(arg('seeds', '1,2')).length;
  process.stdout.write(JSON.stringify({ bench: 'sweep', cores: cpus().length, cells, grid: { limit: Number(arg('limit', '2000')), epochs: Number(arg('epochs', '2')) }, runs, speedupVsSerial: speedup }, null, 2) + '\n');
}

void main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
