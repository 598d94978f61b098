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
 * marked for two cores. Symmetric variants (the graph invariant under i ↦ i + n/g, src/core/graph/symmetry.ts)
 * run beside the plain search for the sizes where Graph Golf's record methods use symmetry; `--symmetry g`
 * runs only that order (1 = only the plain search). A symmetric move (g swaps, BFS from n/g sources) costs
 * less than a plain exact move, so the same swap budget is a conservative stand-in for the same seconds.
 * Run: npx tsx bench/search.ts [--mode swaps|seconds] [--scale 1] [--only 64,8] [--seeds 1,2,3]
 * [--chains 2] [--symmetry g [--descend true|false]] [--restarts R] [--tabu true [--tabu-schedule JSON] | --tabu false | --tabu only]   (prints JSON)
 * A `descend` variant searches under order g, then relaxes the symmetry level by level to none
 * (src/core/graph/symmetryDescent.ts); its budget is the total over levels. A `tabu` variant (or --tabu true
 * for every run) polishes short searches by tabu search (src/core/graph/tabuSearch.ts); its budget counts
 * every swap the tabu search evaluates.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { bestKnownAspl } from '../src/core/graph/bestKnown';
import { mooreBound } from '../src/core/graph/mooreBound';
import { searchRegularGraph, type SearchOptions, type SearchResult } from '../src/core/graph/swapSearch';
import type { TabuSchedule } from '../src/core/graph/tabuSearch';
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
const symmetryArg = arg('symmetry', '');
// With --symmetry: 'true' runs only its descent variant, 'false' only the symmetric search, '' both.
const descendArg = arg('descend', '');
// Tuning: overrides of the annealing constants (JSON, e.g. '{"exactStartPerRise":0.1}'), the objective, the budget.
const annealArg = arg('anneal', '');
const objectiveArg = arg('objective', '') as '' | 'auto' | 'exact' | 'proxy';
const swapsArg = arg('swaps', '');
// --restarts R: every run is R independent searches of 1/R of the budget each, the best kept (searchRestarts.ts).
const restartsArg = Number(arg('restarts', '1'));
// --tabu true: every run is the iterated tabu search (tabuSearch.ts); the table's tabu variants run either way.
const tabuArg = arg('tabu', '') === 'true';
const tabuOff = arg('tabu', '') === 'false';
// --tabu only: only the table's tabu variants (with --symmetry).
const tabuOnly = arg('tabu', '') === 'only';
// Tuning: overrides of the tabu constants (JSON, e.g. '{"stall":150}'), on top of a table variant's own.
const tabuScheduleArg = arg('tabu-schedule', '');

/** The targets; `swaps` is the deterministic budget standing in for the time budget. */
/**
 * `symmetry`: the orders run (1 = the plain search), each with the swap budget standing for the same seconds:
 * a move's cost differs by order and objective, so a budget is the plain budget divided by the cost of a
 * move relative to a plain one, measured with bench/searchCost.ts (interleaved runs under the same load):
 * (256, 8) order 8, exact, ≈ 1× a plain exact move (the BFS runs 32 sources in one 128-bit lane instead of
 * 256 in two, the g rewires are cheap without the pair matrix); (1024, 16) order 16, exact, and (4096, 32)
 * order 32, exact, against a whole plain run of proxy moves (O(k)) — see the `costNote` of each entry. The
 * interleaved per-move ratio of bench/searchCost.ts at small budgets understates it (the plain run's fixed
 * set-up dominates there), so these come from whole runs at the full budget.
 */
/** One search variant of a target: its symmetry order, swap budget and method. */
type Variant = { g: number; swaps: number; descend?: boolean; tabu?: boolean; tabuSchedule?: Partial<TabuSchedule>; costNote?: string };

const targets: Array<{ n: number; k: number; seconds: number; swaps: number; chains: number; symmetry: Variant[]; target: { aspl?: number; gapPct?: number } }> = [
  { n: 64, k: 8, seconds: 30, swaps: 3_000_000, chains: 1, symmetry: [{ g: 1, swaps: 3_000_000 }, { g: 8, swaps: 3_000_000, costNote: 'order-8 exact move ≈ 1.1× a plain exact move (10⁶ moves: 7.9 s at load 4.6; plain 6.9 s at load 7.2)' }, { g: 8, descend: true, swaps: 3_000_000, costNote: 'descent 8 → 4 → 2 → 1: every level an exact move on 64 nodes, ≈ a plain move; the seconds of each run are in its row' }], target: { aspl: 1.95 } },
  { n: 64, k: 4, seconds: 10, swaps: 1_000_000, chains: 1, symmetry: [{ g: 1, swaps: 1_000_000 }, { g: 4, descend: true, swaps: 1_500_000, costNote: 'descent 4 → 2 → 1: 1.5·10⁶ moves took 9.2–11.1 s at load 2.3–3.1 (one run per seed, the machine shared); the seconds of each run are in its row' }, { g: 4, descend: true, tabu: true, swaps: 9_000_000, costNote: 'descents of 1.875·10⁵ swaps, each polished by tabu search: 9·10⁶ swaps (tabu evaluations mostly stop early) took 12–14 s on a machine where the descent of 1.5·10⁶ took 4.4 s; the seconds of each run are in its row' }], target: { aspl: 2.88 } },
  { n: 256, k: 8, seconds: 120, swaps: 2_000_000, chains: 2, symmetry: [{ g: 1, swaps: 2_000_000 }, { g: 64, swaps: 2_000_000, costNote: 'order-64 exact move ≤ 1× a plain exact move (2·10⁵ moves: 2.7 s at load 4.9; plain ≈ 7–10 s at load 10–11)' }, { g: 64, tabu: true, swaps: 56_000_000, tabuSchedule: { startShare: 1 / 56 }, costNote: 'order-64 starts of 10⁶ swaps, each polished by tabu search (orbit swaps and voltage moves) on the quotient: 6·10⁷ swaps per chain took 100–122 s on two chains (Zen 3 class machine, nothing else running), so 5.6·10⁷ for 120 s' }], target: { gapPct: 0.9 } },
  { n: 1024, k: 16, seconds: 10, swaps: 1_500_000, chains: 1, symmetry: [{ g: 1, swaps: 1_500_000 }, { g: 128, swaps: 160_000, costNote: 'same wall time as the plain budget: in one run (load 5–7) plain 1.5·10⁶ proxy moves took 6.8–7.2 s, order-16 exact 2·10⁵ moves 8.4–9.1 s → 1.6·10⁵ (order 128: 6.5 s at load 5)' }], target: { gapPct: 0.25 } },
  { n: 4096, k: 32, seconds: 10, swaps: 200_000, chains: 1, symmetry: [{ g: 1, swaps: 200_000 }, { g: 512, swaps: 16_000, costNote: 'same wall time as the plain budget: in one run (load 5.5) plain 2·10⁵ proxy moves 6.1–6.5 s, order-32 exact 1.6·10⁴ moves 5.8–6.4 s (order 512: 4.7 s at load 5.2)' }], target: { gapPct: 0.4 } },
];

const worker = { script: resolve(__dirname, '../src/worker/searchChain.ts'), execArgv: ['--require', 'tsx/cjs'] };

async function run(o: SearchOptions, chains: number): Promise<SearchResult & { chains?: unknown }> {
  return chains > 1 ? parallelSearch({ ...o, chains }, worker) : searchRegularGraph(o);
}

const round = (x: number, d: number) => +x.toFixed(d);

/** The variants `--symmetry g [--descend …]` selects; an order not in the table runs with the plain budget. */
function variantsOf(list: Variant[], plainSwaps: number): Variant[] {
  const g = Number(symmetryArg);
  // --tabu false: only the variants without tabu search (annealing alone); --tabu only: only those with it.
  const picked = list.filter((s) => s.g === g && (descendArg === '' || (s.descend ?? false) === (descendArg === 'true')) && !(tabuOff && s.tabu) && !(tabuOnly && !s.tabu));
  return picked.length > 0 ? picked : [{ g, swaps: plainSwaps, descend: descendArg === 'true' }];
}

async function main(): Promise<void> {
  const rows: unknown[] = [];
  const medians: unknown[] = [];
  for (const t of targets) for (const { g: symmetry, swaps: symSwaps, descend = false, tabu: tabuVariant = false, tabuSchedule, costNote } of symmetryArg ? variantsOf(t.symmetry, t.swaps) : t.symmetry) {
    if (only && only !== `${t.n},${t.k}`) continue;
    const chains = t.chains > 1 ? chainsArg : 1;
    const budget = mode === 'swaps' ? { maxSwaps: Math.round((swapsArg ? Number(swapsArg) : symSwaps) * scale) } : { seconds: t.seconds * scale };
    const tuning = { ...(annealArg ? { anneal: JSON.parse(annealArg) } : {}), ...(objectiveArg ? { objective: objectiveArg } : {}), ...(tabuScheduleArg || tabuSchedule ? { tabuSchedule: { ...tabuSchedule, ...(tabuScheduleArg ? JSON.parse(tabuScheduleArg) : {}) } } : {}) };
    const tabu = tabuArg || tabuVariant;
    const runs: SearchResult[] = [];
    for (const seed of seeds) {
      const before = loadavg()[0];
      const r = await run({ n: t.n, k: t.k, seed, ...budget, ...tuning, ...(symmetry > 1 ? { symmetry, descend } : {}), ...(restartsArg > 1 ? { restarts: restartsArg } : {}), ...(tabu ? { tabu } : {}) }, chains);
      runs.push(r);
      rows.push({
        n: t.n, k: t.k, symmetry, descend, tabu, descent: r.descent ?? null, restarts: r.restarts ?? null, tabuStarts: r.tabuStarts ?? null, seed, chains, ...budget, aspl: round(r.aspl, 6), gapPct: round(r.gapPct, 3), diameter: r.diameter,
        swapsTried: r.swapsTried, swapsAccepted: r.swapsAccepted, seconds: round(r.seconds, 2), stoppedBy: r.stoppedBy,
        objective: r.objective, kernel: r.kernel, temperature: r.temperature, loadavg1Before: round(before, 2), loadavg1After: round(loadavg()[0], 2),
      });
      process.stderr.write(`(${t.n},${t.k}) g=${symmetry}${descend ? ' descend' : ''}${tabu ? ' tabu' : ''} seed ${seed}: ${r.aspl.toFixed(5)} (${r.gapPct.toFixed(3)} %) in ${r.seconds.toFixed(1)} s\n`);
    }
    const med = [...runs].sort((a, b) => a.aspl - b.aspl)[Math.floor(runs.length / 2)];
    const moore = mooreBound(t.n, t.k).aspl;
    const met = t.target.aspl !== undefined ? med.aspl <= t.target.aspl + 1e-12 : med.gapPct <= t.target.gapPct! + 1e-12;
    medians.push({
      n: t.n, k: t.k, symmetry, descend, tabu, tabuSchedule: tabu ? (tuning.tabuSchedule ?? null) : null, restarts: restartsArg, costNote: costNote ?? null, chains, ...budget, medianAspl: round(med.aspl, 6), medianGapPct: round(med.gapPct, 3), moore: round(moore, 6),
      bestKnown: bestKnownAspl(t.n, t.k)?.aspl ?? null, target: t.target, targetSeconds: t.seconds, met,
      medianSeconds: round([...runs].map((r) => r.seconds).sort((a, b) => a - b)[Math.floor(runs.length / 2)], 2),
    });
  }
  console.log(JSON.stringify({ bench: 'search', node: process.version, mode, scale, seeds, tuning: { anneal: annealArg || null, objective: objectiveArg || null, tabuSchedule: tabuScheduleArg || null }, cores: 'one per chain', loadavgEnd: loadavg(), medians, rows }, null, 2));
}

void main();
