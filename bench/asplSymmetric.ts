/**
 * Exact ASPL of graphs with a cyclic symmetry of order g (what every symmetric search step evaluates): the
 * BFS on the quotient (src/core/graph/asplQuotient.ts, WebAssembly SIMD and its TypeScript form) against the
 * BFS from the n/g representatives over the whole graph (the WASM kernel, rows sized for n/g sources, as the
 * searches ran it before), on random symmetric regular graphs, interleaved in one process. This is the
 * measurement behind `usesQuotient` (src/core/graph/aspl.ts): which (n, g) run on the quotient.
 * Run: npx tsx bench/asplSymmetric.ts [--rounds 3]   (prints JSON)
 */
import { loadavg } from 'node:os';
import { AsplEvaluator, defaultLanes, usesQuotient } from '../src/core/graph/aspl';
import { fromAdjacency } from '../src/core/graph/graph';
import { randomSymmetricRegularGraph } from '../src/core/graph/symmetry';

const args = process.argv.slice(2);
const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median µs of one call over ≥ 200 ms, after a warm-up that lets V8 tier the WebAssembly up. */
function timeUs(f: () => void): number {
  const w0 = performance.now();
  for (let i = 0; i < 50 || performance.now() - w0 < 100; i++) f();
  const ts: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < 200) {
    const t = performance.now();
    for (let i = 0; i < 20; i++) f();
    ts.push(((performance.now() - t) * 1000) / 20);
  }
  return median(ts);
}

const cases: Array<[number, number, number]> = [
  [64, 4, 4], [64, 8, 8], [64, 8, 16], [256, 8, 8], [256, 8, 16], [256, 8, 32], [256, 8, 64], [64, 8, 64],
  [1024, 16, 16], [1024, 16, 32], [1024, 16, 64], [4096, 32, 32], [4096, 32, 64],
];
const load0 = loadavg();
const rows = cases.map(([n, k, g]) => {
  const graph = fromAdjacency(n, k, randomSymmetricRegularGraph(n, k, g, 1));
  const lanes = defaultLanes(n / g);
  const lifted = new AsplEvaluator({ kernel: 'wasm', lanes, quotient: 'never' });
  const quotient = new AsplEvaluator({ kernel: 'wasm', lanes, quotient: 'always' });
  const quotientTs = new AsplEvaluator({ kernel: 'ts', quotient: 'always' });
  const ref = lifted.evaluate(graph, Infinity, k, Infinity, g);
  for (const ev of [quotient, quotientTs]) {
    const r = ev.evaluate(graph, Infinity, k, Infinity, g);
    if (r.distanceSum !== ref.distanceSum || r.diameter !== ref.diameter) throw new Error(`(${n}, ${k}) order ${g}: the quotient BFS disagrees`);
  }
  // Above order 32 the TypeScript form would time the whole-graph BFS: not a quotient figure, left out.
  const tsQuotient = quotientTs.readsRepresentativesOnly(n, g);
  const t: Record<'lifted' | 'quotient' | 'quotientTs', number[]> = { lifted: [], quotient: [], quotientTs: [] };
  // Interleaved rounds: the machine's load moves; each round times every side once.
  for (let r = 0; r < rounds; r++) {
    t.lifted.push(timeUs(() => lifted.evaluate(graph, Infinity, k, Infinity, g)));
    t.quotient.push(timeUs(() => quotient.evaluate(graph, Infinity, k, Infinity, g)));
    if (tsQuotient) t.quotientTs.push(timeUs(() => quotientTs.evaluate(graph, Infinity, k, Infinity, g)));
  }
  const us = { lifted: median(t.lifted), quotient: median(t.quotient), quotientTs: tsQuotient ? median(t.quotientTs) : null };
  process.stderr.write(`(${n}, ${k}) order ${g}: lifted ${us.lifted.toFixed(2)} µs, quotient ${us.quotient.toFixed(2)} µs\n`);
  return {
    n, k, g, classes: n / g, aspl: ref.aspl, usesQuotient: usesQuotient(n, g),
    liftedUs: +us.lifted.toFixed(3), quotientUs: +us.quotient.toFixed(3), quotientTsUs: us.quotientTs === null ? null : +us.quotientTs.toFixed(3),
    quotientSpeedup: +(us.lifted / us.quotient).toFixed(2),
    roundsUs: Object.fromEntries(Object.entries(t).map(([key, v]) => [key, v.map((x) => +x.toFixed(3))])),
  };
});
console.log(JSON.stringify({ bench: 'aspl-symmetric', node: process.version, rounds, loadavgBefore: load0, loadavgAfter: loadavg(), note: 'µs per exact evaluation (no limit), median over rounds of the median of 20-call batches; quotientSpeedup = lifted / quotient (WASM both)', rows }, null, 2));
