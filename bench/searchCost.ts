/**
 * Cost of a search move, as a ratio between configurations measured under the same load: the runs are
 * interleaved (A, B, A, B, …) in one process, so a busy machine slows both alike and the ratio stays
 * meaningful where absolute rates would not. This is how bench/search.ts converts the seconds into
 * swap budgets for a configuration whose moves cost differently (symmetric orbit moves, the proxy).
 *
 * Run: npx tsx bench/search.ts is the quality bench; this one:
 *   npx tsx bench/searchCost.ts --n 1024 --k 16 --configs 'plain;g=16;g=16/exact' [--swaps 20000] [--rounds 3]
 * A config is `plain` or `g=<order>`, optionally `/exact` or `/proxy` for the objective. Prints JSON: moves per
 * second of each config per round (with os.loadavg()) and the median cost of each relative to the first.
 */
import { loadavg } from 'node:os';
import { searchRegularGraph, type SearchObjective } from '../src/core/graph/swapSearch';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const n = Number(arg('n', '1024'));
const k = Number(arg('k', '16'));
const swaps = Number(arg('swaps', '20000'));
const rounds = Number(arg('rounds', '3'));
const configs = arg('configs', 'plain').split(';').map((c) => {
  const [sym, obj] = c.split('/');
  const g = sym === 'plain' ? 1 : Number(sym.replace('g=', ''));
  return { name: c, symmetry: g, objective: (obj ?? 'auto') as SearchObjective };
});

const rates: number[][] = configs.map(() => []);
const rows: unknown[] = [];
for (let r = 0; r < rounds; r++) {
  configs.forEach((c, i) => {
    const res = searchRegularGraph({ n, k, seed: 1 + r, maxSwaps: swaps, objective: c.objective, ...(c.symmetry > 1 ? { symmetry: c.symmetry } : {}) });
    const rate = res.swapsTried / res.seconds;
    rates[i].push(rate);
    rows.push({ round: r, config: c.name, objective: res.objective, movesPerSecond: Math.round(rate), seconds: +res.seconds.toFixed(2), loadavg1: +loadavg()[0].toFixed(2) });
  });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(rates[0]);
console.log(JSON.stringify({ bench: 'searchCost', n, k, swaps, rounds, relativeCost: configs.map((c, i) => ({ config: c.name, costPerMoveVsFirst: +(base / median(rates[i])).toFixed(3) })), rows }, null, 2));
