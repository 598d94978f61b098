/**
 * Search quality under a single-core time budget: ASPL reached and gap to the Moore bound, median of
 * three seeds per (n, k), plus longer single-seed runs. Run: npx tsx bench/search.ts [--seconds 10]
 * [--long 60] [--only 256,8]   (prints JSON; takes ≈ 3 min + 2 × long)
 */
import { mooreBound } from '../src/core/graph/mooreBound';
import { searchRegularGraph, type SearchResult } from '../src/core/graph/swapSearch';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const seconds = Number(arg('seconds', '10'));
const long = Number(arg('long', '60'));
const only = arg('only', '');

const targets: Array<{ n: number; k: number; target: string }> = [
  { n: 64, k: 4, target: 'aspl ≤ 2.94' },
  { n: 64, k: 6, target: 'aspl ≤ 2.35' },
  { n: 64, k: 8, target: 'aspl ≤ 2.05' },
  { n: 256, k: 8, target: 'gap ≤ 1.9 %' },
  { n: 1024, k: 16, target: 'gap ≤ 0.35 %' },
  { n: 4096, k: 32, target: 'gap ≤ 0.5 %' },
];

const row = (r: SearchResult) => ({
  n: r.n,
  k: r.k,
  seconds: +r.seconds.toFixed(2),
  seed: r.seed,
  aspl: +r.aspl.toFixed(6),
  moore: +r.mooreBound.toFixed(6),
  gapPct: +r.gapPct.toFixed(3),
  diameter: r.diameter,
  swapsTried: r.swapsTried,
  swapsAccepted: r.swapsAccepted,
  objective: r.objective,
  kernel: r.kernel,
});

const rows: unknown[] = [];
const medians: unknown[] = [];
for (const t of targets) {
  if (only && only !== `${t.n},${t.k}`) continue;
  const runs = [1, 2, 3].map((seed) => searchRegularGraph({ n: t.n, k: t.k, seed, seconds }));
  for (const r of runs) rows.push(row(r));
  const med = [...runs].sort((a, b) => a.aspl - b.aspl)[1];
  medians.push({ n: t.n, k: t.k, seconds, medianAspl: +med.aspl.toFixed(6), moore: +mooreBound(t.n, t.k).aspl.toFixed(6), medianGapPct: +med.gapPct.toFixed(3), target: t.target });
  process.stderr.write(`done (${t.n},${t.k})\n`);
}
const longRows: unknown[] = [];
if (long > 0) {
  for (const [n, k] of [[64, 4], [256, 8]]) {
    if (only && only !== `${n},${k}`) continue;
    longRows.push(row(searchRegularGraph({ n, k, seed: 1, seconds: long })));
    process.stderr.write(`done long (${n},${k})\n`);
  }
}
console.log(JSON.stringify({ bench: 'search', node: process.version, singleCore: true, seconds, medianOf3: medians, rows, long: longRows }, null, 2));
