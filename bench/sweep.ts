/**
 * A small sweep run serially and on a pool of worker threads, in the same run (issue 17; target ≥ 1.8× with
 * 2 workers on an idle 2-core machine, identical results.json). Each configuration runs in its own child
 * process, so its peak RSS (process.resourceUsage().maxRSS covers every thread of the process) is its own;
 * configurations are interleaved over `--rounds`. The machine's load (os.loadavg) is recorded before and
 * after each run: a speed-up is only meaningful when the load stayed below the core count.
 *
 * The ceiling two cores give this workload is measured in the same run: the grid split by seed into two
 * independent serial processes started together (`independentPair`); its wall time is the slower of the two.
 * A pool can only approach it (it pays for worker start-up: loading the bundle, the wasm backend, the model).
 *
 * Pool workers run dist/worker.js (build first: node esbuild.js), as the CLI's do.
 * Run: npx tsx bench/sweep.ts [--workers 1,2] [--rounds 1] [--limit 2000] [--epochs 2] [--seeds 1,2]
 *      [--no-pair]   (prints JSON; each run's results.json is compared with the serial one, timings and paths aside)
 */
import { spawn, spawnSync } from 'node:child_process';
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

/** Two serial children, one per half of the seeds, started together; seconds until both have finished. */
async function independentPair(dir: string, round: number): Promise<number> {
  const seeds = list(arg('seeds', '1,2'));
  const halves = [seeds.slice(0, Math.ceil(seeds.length / 2)), seeds.slice(Math.ceil(seeds.length / 2))].filter((h) => h.length > 0);
  const argv = process.argv.slice(2).filter((a, i, all) => a !== '--seeds' && all[i - 1] !== '--seeds');
  const t0 = performance.now();
  await Promise.all(
    halves.map(
      (half, h) =>
        new Promise<void>((resolve, reject) => {
          const c = spawn(process.execPath, ['--import', 'tsx', __filename, '--child', '1', '--out', join(dir, `pair-r${round}-${h}`), ...argv, '--seeds', half.join(',')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          c.stderr.on('data', (d: Buffer) => (err += d.toString()));
          c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`independent half ${h}: ${err}`))));
        }),
    ),
  );
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  if (arg('child', '') !== '') return child(Number(arg('child', '1')), arg('out', ''));
  const workerCounts = list(arg('workers', '1,2'));
  const rounds = Number(arg('rounds', '1'));
  const dir = mkdtempSync(join(tmpdir(), 'rgp-bench-sweep-'));
  const comparable = (f: string): string => JSON.stringify(JSON.parse(readFileSync(f, 'utf8'), (k, v) => (k === 'seconds' || k === 'files' ? undefined : v)));
  const pairs: Array<{ round: number; seconds: number; loadBefore: number[]; loadAfter: number[] }> = [];
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
      if (!process.argv.includes('--no-pair')) {
        const loadBefore = loadavg();
        pairs.push({ round, seconds: await independentPair(dir, round), loadBefore, loadAfter: loadavg() });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const best = (w: number) => Math.min(...runs.filter((r) => r.workers === w).map((r) => r.seconds));
  const speedup = Object.fromEntries(workerCounts.filter((w) => w !== 1).map((w) => [w, best(1) / best(w)]));
  const cells = (1 + 2 * 2) * list(arg('seeds', '1,2')).length;
  // Medians too: single runs on this machine vary by about ±10 % from one process to the next.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const med = (w: number) => median(runs.filter((r) => r.workers === w).map((r) => r.seconds));
  const medianSpeedup = Object.fromEntries(workerCounts.filter((w) => w !== 1).map((w) => [w, med(1) / med(w)]));
  const ceiling = pairs.length > 0 ? { independentPairSeconds: pairs, speedupBest: best(1) / Math.min(...pairs.map((p) => p.seconds)), speedupMedian: med(1) / median(pairs.map((p) => p.seconds)) } : undefined;
  process.stdout.write(
    JSON.stringify({ bench: 'sweep', cores: cpus().length, cells, grid: { limit: Number(arg('limit', '2000')), epochs: Number(arg('epochs', '2')) }, runs, speedupVsSerial: speedup, medianSpeedupVsSerial: medianSpeedup, ...(ceiling ? { twoIndependentProcesses: ceiling } : {}) }, null, 2) + '\n',
  );
}

void main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
