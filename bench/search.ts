/**
 * Search quality: ASPL reached and gap to the Moore bound (and to the best-known Graph Golf value where we
 * can cite one), median of seeds 1–3 per (n, k), against the targets.
 *
 * Two kinds of budget:
 *  - swaps (default): a fixed number of proposed swaps per (n, k) — deterministic, so the ASPL figures do
 *    not depend on the machine or its load (the seconds each run took are reported, with os.loadavg());
 *  - seconds (--mode seconds): the wall-clock targets of the issue; the figures then depend on the load,
 *    which is recorded before and after every run — read them with it.
 * `--chains C` runs C independent chains in worker threads (src/node/parallelSearch.ts) for the targets
 * marked for two cores. Run: npx tsx bench/search.ts [--mode swaps|seconds] [--scale 1] [--only 64,8]
 * [--seeds 1,2,3] [--chains 2]   (prints JSON)
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { bestKnownAspl } from '../src/core/graph/bestKnown';
import { mooreBound } from '../src/core/graph/mooreBound';
import { searchRegularGraph, type SearchOptions, type SearchResult } from '../src/core/graph/swapSearch';
import { parallelSearch } from '../src/node/parallelSearch';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const mode = arg('mode', 'swaps') as 'swaps' | 'seconds';
const scale = Number(arg('scale', '1'));
const only = arg('only', '');
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const chainsArg = Number(arg('chains', '2'));

/** The targets; `swaps` is the deterministic budget standing in for the time budget. */
const targets: Array<{ n: number; k: number; seconds: number; swaps: number; chains: number; target: { aspl?: number; gapPct?: number } }> = [
  { n: 64, k: 8, seconds: 30, swaps: 3_000_000, chains: 1, target: { aspl: 1.95 } },
  { n: 64, k: 4, seconds: 10, swaps: 1_000_000, chains: 1, target: { aspl: 2.88 } },
  { n: 256, k: 8, seconds: 120, swaps: 2_000_000, chains: 2, target: { gapPct: 0.9 } },
  { n: 1024, k: 16, seconds: 10, swaps: 1_500_000, chains: 1, target: { gapPct: 0.25 } },
  { n: 4096, k: 32, seconds: 10, swaps: 200_000, chains: 1, target: { gapPct: 0.4 } },
];

const worker = { script: resolve(__dirname, '../src/worker/searchChain.ts'), execArgv: ['--require', 'tsx/cjs'] };

async function run(o: SearchOptions, chains: number): Promise<SearchResult & { chains?: unknown }> {
  return chains > 1 ? parallelSearch({ ...o, chains }, worker) : searchRegularGraph(o);
}

const round = (x: number, d: number) => +x.toFixed(d);

async function main(): Promise<void> {
  const rows: unknown[] = [];
  const medians: unknown[] = [];
  for (const t of targets) {
    if (only && only !== `${t.n},${t.k}`) continue;
    const chains = t.chains > 1 ? chainsArg : 1;
    const budget = mode === 'swaps' ? { maxSwaps: Math.round(t.swaps * scale) } : { seconds: t.seconds * scale };
    const runs: SearchResult[] = [];
    for (const seed of seeds) {
      const before = loadavg()[0];
      const r = await run({ n: t.n, k: t.k, seed, ...budget }, chains);
      runs.push(r);
      rows.push({
        n: t.n, k: t.k, seed, chains, ...budget, aspl: round(r.aspl, 6), gapPct: round(r.gapPct, 3), diameter: r.diameter,
        swapsTried: r.swapsTried, swapsAccepted: r.swapsAccepted, seconds: round(r.seconds, 2), stoppedBy: r.stoppedBy,
        objective: r.objective, kernel: r.kernel, loadavg1Before: round(before, 2), loadavg1After: round(loadavg()[0], 2),
      });
      process.stderr.write(`(${t.n},${t.k}) seed ${seed}: ${r.aspl.toFixed(5)} (${r.gapPct.toFixed(3)} %) in ${r.seconds.toFixed(1)} s\n`);
    }
    const med = [...runs].sort((a, b) => a.aspl - b.aspl)[Math.floor(runs.length / 2)];
    const moore = mooreBound(t.n, t.k).aspl;
    const met = t.target.aspl !== undefined ? med.aspl <= t.target.aspl + 1e-12 : med.gapPct <= t.target.gapPct! + 1e-12;
    medians.push({
      n: t.n, k: t.k, chains, ...budget, medianAspl: round(med.aspl, 6), medianGapPct: round(med.gapPct, 3), moore: round(moore, 6),
      bestKnown: bestKnownAspl(t.n, t.k)?.aspl ?? null, target: t.target, targetSeconds: t.seconds, met,
      medianSeconds: round([...runs].map((r) => r.seconds).sort((a, b) => a - b)[Math.floor(runs.length / 2)], 2),
    });
  }
  console.log(JSON.stringify({ bench: 'search', node: process.version, mode, scale, seeds, cores: 'one per chain', loadavgEnd: loadavg(), medians, rows }, null, 2));
}

void main();
