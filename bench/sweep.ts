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
 * The machine is shared: besides the load, each run records `foreignCpuSeconds`, the CPU time the whole
 * machine spent busy during the run (/proc/stat) less the run's own — anything well above zero means another
 * process competed and the run's time is not the configuration's. `--wait-idle S` waits, before each run, up
 * to S seconds for a second in which the machine was almost idle.
 *
 * Pool workers run dist/worker.js (build first: node esbuild.js), as the CLI's do.
 * Run: npx tsx bench/sweep.ts [--workers 1,2] [--rounds 1] [--limit 2000] [--epochs 2] [--seeds 1,2]
 *      [--no-pair] [--wait-idle 0]   (prints JSON; each run's results.json is compared with the serial one, timings and paths aside)
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
import { benchSweepGrid, SWEEP_MODEL } from './sweepGrid';

const ROOT = join(__dirname, '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const list = (s: string) => s.split(',').map(Number);

function grid(out: string): SweepOptions {
  return benchSweepGrid(out, { limit: Number(arg('limit', '2000')), epochs: Number(arg('epochs', '2')), seeds: list(arg('seeds', '1,2')) });
}

/** Child: one configuration, prints {seconds, maxRssMiB, resultsJson}. */
async function child(workers: number, out: string): Promise<void> {
  await selectBackend();
  const t0 = performance.now();
  const options = grid(out);
  // The bundled worker (what the CLI and the extension start) when built; else the sources under tsx,
  // whose per-thread compile time is not what a user pays.
  const dist = join(ROOT, 'dist', 'worker.js');
  if (workers === 1) await sweep(SWEEP_MODEL, options, quietContext);
  else await parallelSweep(SWEEP_MODEL, options, { workers, launch: existsSync(dist) ? { script: dist } : jobWorkerLaunch() }, quietContext);
  const seconds = (performance.now() - t0) / 1000;
  const usage = process.resourceUsage();
  process.stdout.write(JSON.stringify({ seconds, maxRssMiB: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }) + '\n');
}

/** CPU seconds the whole machine has spent busy since boot, all cores (Linux /proc/stat, in USER_HZ = 1/100 s). */
function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
}

/** Waits (up to `maxSeconds`) for a second in which the machine used under a tenth of a core. */
async function waitIdle(maxSeconds: number): Promise<void> {
  for (let waited = 0; waited < maxSeconds; waited++) {
    const before = machineBusySeconds();
    await new Promise((r) => setTimeout(r, 1000));
    if (machineBusySeconds() - before < 0.1) return;
  }
}

/** Two serial children, one per half of the seeds, started together; seconds until both have finished, and their CPU time. */
async function independentPair(dir: string, round: number): Promise<{ seconds: number; cpuSeconds: number }> {
  const seeds = list(arg('seeds', '1,2'));
  const halves = [seeds.slice(0, Math.ceil(seeds.length / 2)), seeds.slice(Math.ceil(seeds.length / 2))].filter((h) => h.length > 0);
  const argv = process.argv.slice(2).filter((a, i, all) => a !== '--seeds' && all[i - 1] !== '--seeds');
  const t0 = performance.now();
  const cpu = await Promise.all(
    halves.map(
      (half, h) =>
        new Promise<number>((resolve, reject) => {
          const c = spawn(process.execPath, ['--import', 'tsx', __filename, '--child', '1', '--out', join(dir, `pair-r${round}-${h}`), ...argv, '--seeds', half.join(',')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          c.stdout.on('data', (d: Buffer) => (out += d.toString()));
          c.stderr.on('data', (d: Buffer) => (err += d.toString()));
          c.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!).cpuSeconds) : reject(new Error(`independent half ${h}: ${err}`))));
        }),
    ),
  );
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: cpu.reduce((a, b) => a + b, 0) };
}

async function main(): Promise<void> {
  if (arg('child', '') !== '') return child(Number(arg('child', '1')), arg('out', ''));
  const workerCounts = list(arg('workers', '1,2'));
  const rounds = Number(arg('rounds', '1'));
  const dir = mkdtempSync(join(tmpdir(), 'rgp-bench-sweep-'));
  const comparable = (f: string): string => JSON.stringify(JSON.parse(readFileSync(f, 'utf8'), (k, v) => (k === 'seconds' || k === 'files' ? undefined : v)));
  const idle = Number(arg('wait-idle', '0'));
  const pairs: Array<{ round: number; seconds: number; loadBefore: number[]; loadAfter: number[]; foreignCpuSeconds: number }> = [];
  const runs: Array<{ workers: number; round: number; seconds: number; maxRssMiB: number; loadBefore: number[]; loadAfter: number[]; foreignCpuSeconds: number; identicalToSerial?: boolean }> = [];
  let reference: string | undefined;
  try {
    for (let round = 0; round < rounds; round++) {
      for (const workers of workerCounts) {
        const out = join(dir, `w${workers}-r${round}`);
        await waitIdle(idle);
        const loadBefore = loadavg();
        const busyBefore = machineBusySeconds();
        const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', String(workers), '--out', out, ...process.argv.slice(2)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
        if (r.status !== 0) throw new Error(`workers ${workers}: ${r.stderr}`);
        const m = JSON.parse(r.stdout.trim().split('\n').pop()!);
        const json = comparable(join(out, 'results.json'));
        reference ??= workers === 1 ? json : undefined;
        const foreignCpuSeconds = machineBusySeconds() - busyBefore - m.cpuSeconds;
        runs.push({ workers, round, seconds: m.seconds, maxRssMiB: m.maxRssMiB, loadBefore, loadAfter: loadavg(), foreignCpuSeconds, ...(reference !== undefined ? { identicalToSerial: json === reference } : {}) });
      }
      if (!process.argv.includes('--no-pair')) {
        await waitIdle(idle);
        const loadBefore = loadavg();
        const busyBefore = machineBusySeconds();
        const pair = await independentPair(dir, round);
        pairs.push({ round, seconds: pair.seconds, loadBefore, loadAfter: loadavg(), foreignCpuSeconds: machineBusySeconds() - busyBefore - pair.cpuSeconds });
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
