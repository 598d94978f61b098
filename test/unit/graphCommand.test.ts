import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isRgpError } from '../../src/core/errors';
import { CancelSource, quietContext } from '../../src/core/job';
import { searchGraphStructure, searchGraphStructureChains } from '../../src/jobs/graphStructure';
import { parseGraph } from '../../src/core/graph/graphIO';
import { fromAdjacency } from '../../src/core/graph/graph';
import { graphCommand, type GraphSearchOutput, type GraphEvaluateOutput } from '../../src/cli/graphCommand';
import { graphText } from '../../src/cli/humanOutput';
import { parallelSearch } from '../../src/node/parallelSearch';
import { defaultSwapBudget, searchRegularGraph } from '../../src/core/graph/swapSearch';
import { checkSimpleRegular, plainBfs } from './graphHelpers';

// Workers run the TypeScript source through tsx's CommonJS hook: on Node 20 `--import tsx` in a worker's
// execArgv does not apply to the worker's entry module ("Unknown file extension .ts"), `--require tsx/cjs` does.
const workerTs = { script: resolve(__dirname, '../../src/worker/searchChain.ts'), execArgv: ['--require', 'tsx/cjs'] };

test('rgp graph: search prints the summary and writes edges + history atomically', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-graph-'));
  try {
    const out = join(dir, 'g.json');
    const r = (await graphCommand({ nodes: '64', degree: '4', swaps: '3000', seed: '7', out })) as GraphSearchOutput;
    for (const key of ['n', 'k', 'aspl', 'diameter', 'mooreBound', 'mooreDiameter', 'gapPct', 'swapsTried', 'swapsAccepted', 'seconds', 'seed']) assert.ok(key in r, key);
    assert.equal(r.n, 64);
    assert.equal(r.k, 4);
    assert.equal(r.seed, 7);
    assert.equal(r.pruningRatio, 1 - 4 / 64);
    assert.ok(r.aspl >= r.mooreBound);
    assert.deepEqual(readdirSync(dir), ['g.json'], 'no temp file left behind');
    const file = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(file.format, 'rgp-graph');
    assert.equal(file.edges.length, 128);
    assert.ok(file.history.length >= 2);
    assert.equal(file.summary.aspl, r.aspl);
    const g = parseGraph(readFileSync(out, 'utf8'));
    assert.equal(plainBfs(g).sum / (64 * 63), r.aspl, 'the written graph has the reported ASPL');
    // Evaluate it back with --in.
    const ev = (await graphCommand({ in: out })) as GraphEvaluateOutput;
    assert.equal(ev.mode, 'evaluate');
    assert.equal(ev.aspl, r.aspl);
    assert.equal(ev.regular, true);
    assert.equal(ev.k, 4);
    assert.equal(ev.bestKnownAspl, null, 'no value we could cite for (64, 4)');
    assert.match(graphText(ev), /\nMoore bound +\d\.\d{4} \(n = 64, k = 4, diameter ≥ \d\); gap /);
    assert.doesNotMatch(graphText(ev), /Best known/);
    // And improve it further from the file.
    const again = (await graphCommand({ in: out, swaps: 500, seed: 1 })) as GraphSearchOutput;
    assert.ok(again.aspl <= r.aspl);
    assert.equal(again.initialAspl, r.aspl);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rgp graph: an irregular edge list is evaluated, disconnected gives null ASPL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-graph-'));
  try {
    const f = join(dir, 'e.txt');
    writeFileSync(f, '# star\n0 1\n0 2\n0 3\n');
    const r = (await graphCommand({ in: f })) as GraphEvaluateOutput;
    assert.equal(r.regular, false);
    assert.equal(r.aspl, 1.5);
    assert.equal(r.diameter, 2);
    assert.equal(r.bestKnownAspl, null);
    assert.doesNotMatch(graphText(r), /Moore bound|Best known/, 'no bound for an irregular graph');
    await assert.rejects(graphCommand({ in: f, swaps: 10 }), (e: unknown) => isRgpError(e) && /not regular/.test(e.message));
    writeFileSync(f, '0 1\n2 3\n');
    const d = (await graphCommand({ in: f })) as GraphEvaluateOutput;
    assert.equal(d.connected, false);
    assert.equal(d.aspl, null);
    await assert.rejects(graphCommand({ in: join(dir, 'missing.txt') }), (e: unknown) => isRgpError(e) && e.code === 'UNREADABLE_FILE');
    await assert.rejects(graphCommand({ in: f, out: f }), (e: unknown) => isRgpError(e) && e.code === 'UNSAFE_PATH');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rgp graph: bad arguments are RgpErrors with hints', async () => {
  const bad = async (o: Parameters<typeof graphCommand>[0], re: RegExp) =>
    assert.rejects(graphCommand(o), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT' && re.test(e.message) && !!e.hint);
  await bad({ nodes: 7, degree: 3, swaps: 1 }, /odd/);
  await bad({ nodes: 8, degree: 8, swaps: 1 }, /smaller than the node count/);
  await bad({ nodes: 8, degree: 0, swaps: 1 }, /degree/);
  await bad({ nodes: 'abc', degree: 4 }, /--nodes must be an integer/);
  await bad({ nodes: 64, degree: 4, seconds: '-3' }, /--seconds must be a number ≥ 0/);
  await bad({ degree: 4 }, /needs --nodes and --degree/);
});

test('rgp graph: the budget is swaps by default, --seconds only caps it, and the best-known value sits beside Moore', async () => {
  // (40, 4) cannot reach its Moore bound, so the whole default budget runs.
  const d = (await graphCommand({ nodes: 40, degree: 4, seed: 2 })) as GraphSearchOutput;
  assert.equal(d.swapBudget, defaultSwapBudget(40, 4));
  assert.equal(d.swapsTried, d.swapBudget);
  assert.equal(d.stoppedBy, 'swaps');
  assert.equal(d.secondsCap, null);
  assert.equal(d.bestKnownAspl, null, 'no value we could cite for (40, 4)');
  // Same seed, same graph: the default budget is deterministic.
  assert.equal(((await graphCommand({ nodes: 40, degree: 4, seed: 2, seconds: 3600 })) as GraphSearchOutput).aspl, d.aspl);
  const g = (await graphCommand({ nodes: 64, degree: 8, swaps: 300, seed: 1 })) as GraphSearchOutput;
  assert.equal(g.bestKnownAspl, 1.927);
  assert.ok(g.mooreBound < g.bestKnownAspl! && g.bestKnownAspl! <= g.aspl);
  const h = (await graphCommand({ nodes: 256, degree: 8, swaps: 0 })) as GraphSearchOutput;
  assert.equal(h.bestKnownAspl, 2.736);
  // The human output says it beside the Moore bound, and how far this graph is from it; none without a value.
  const lines = graphText(h).split('\n');
  assert.match(lines[lines.findIndex((l) => l.startsWith('Moore bound')) + 1], /^Best known +2\.736 \(Graph Golf, quoted to three decimals\); this graph is (\d\.\d{4}) above it$/);
  assert.ok(graphText(h).includes(`this graph is ${(h.aspl - 2.736).toFixed(4)} above it`));
  assert.match(graphText(g), /Best known +1\.927 /);
  assert.doesNotMatch(graphText(d), /Best known/);
  // Evaluating a (64, 8) graph at the record's three decimals says so (seed 3's tabu graph, ASPL 7768 / 4032).
  const rec = (await graphCommand({ in: resolve(__dirname, '../../bench/results/graph-64-8-tabu-seed3-2026-12-02.edges') })) as GraphEvaluateOutput;
  assert.deepEqual([rec.aspl, rec.bestKnownAspl], [7768 / 4032, 1.927]);
  assert.match(graphText(rec), /\nBest known +1\.927 \(Graph Golf, quoted to three decimals\); this graph matches it at three decimals\n/);
  // The kept (256, 8) graph (seed 3's, ASPL 178368 / 65280 by igraph too) is below the quoted 2.736.
  const below = (await graphCommand({ in: resolve(__dirname, '../../bench/results/graph-256-8-tabu-seed3-2026-12-03.edges') })) as GraphEvaluateOutput;
  assert.deepEqual([below.aspl, below.diameter, below.bestKnownAspl], [178368 / 65280, 4, 2.736]);
  assert.match(graphText(below), /\nBest known +2\.736 \(Graph Golf, quoted to three decimals\); this graph is below it\n/);
  // A cap that bites is said so (10⁹ swaps cannot finish in 0.2 s).
  const c = (await graphCommand({ nodes: 64, degree: 4, swaps: '1000000000', seconds: '0.2' })) as GraphSearchOutput;
  assert.equal(c.stoppedBy, 'time-cap');
  assert.equal(c.secondsCap, 0.2);
  assert.ok(c.swapsTried < c.swapBudget);
});

test('parallel search: two chains in worker threads (TypeScript source via tsx), best wins, deterministic', async () => {
  const opts = { n: 40, k: 4, seed: 3, maxSwaps: 1500 };
  const a = await parallelSearch({ ...opts, chains: 2 }, workerTs);
  const b = await parallelSearch({ ...opts, chains: 2 }, workerTs);
  assert.deepEqual(a.adjacency, b.adjacency);
  assert.equal(a.chains.length, 2);
  assert.equal(a.aspl, Math.min(...a.chains.map((c) => c.aspl)));
  assert.equal(a.swapsTried, a.chains[0].swapsTried + a.chains[1].swapsTried);
  assert.equal(checkSimpleRegular(40, 4, a.adjacency), null);
  assert.equal(plainBfs(fromAdjacency(40, 4, a.adjacency)).sum / (40 * 39), a.aspl);
  // Chain 0 is the single-threaded search with the caller's seed.
  assert.equal(a.chains[0].aspl, searchRegularGraph(opts).aspl);
  // Through the command as well.
  const r = (await graphCommand({ nodes: 40, degree: 4, swaps: 1500, seed: 3, chains: 2 }, { worker: workerTs })) as GraphSearchOutput;
  assert.equal(r.aspl, a.aspl);
  assert.equal(r.chains, 2);
});

test('parallel search can be cancelled', async () => {
  const cancel = new CancelSource();
  let samples = 0;
  const p = parallelSearch({ n: 64, k: 4, seed: 1, seconds: 60, chains: 2, reportEveryMs: 20, onSample: () => { if (++samples === 2) cancel.cancel(); } }, workerTs, { signal: cancel, progress: { report() {} } });
  await assert.rejects(p, (e: unknown) => isRgpError(e) && e.code === 'CANCELLED');
});

test('rgp graph --symmetry: an invariant graph, its chains too; a symmetry order that does not divide n is refused', async () => {
  const r = (await graphCommand({ nodes: '64', degree: '4', swaps: '3000', seed: '2', symmetry: '8' })) as GraphSearchOutput;
  assert.equal(r.symmetry, 8);
  const plain = (await graphCommand({ nodes: 64, degree: 4, swaps: 3000, seed: 2 })) as GraphSearchOutput;
  assert.equal(plain.symmetry, 1);
  const dir = mkdtempSync(join(tmpdir(), 'rgp-graph-sym-'));
  try {
    const out = join(dir, 'g.json');
    const w = (await graphCommand({ nodes: 64, degree: 4, swaps: 3000, seed: 2, symmetry: 8, chains: 2, out }, { worker: workerTs })) as GraphSearchOutput;
    assert.equal(w.symmetry, 8);
    const g = parseGraph(readFileSync(out, 'utf8'));
    // Invariant under i ↦ i + 8: every edge's image is an edge.
    const edges = new Set<string>();
    for (let u = 0; u < 64; u++) for (let i = g.offsets[u]; i < g.offsets[u + 1]; i++) edges.add(`${u},${g.neighbors[i]}`);
    for (const e of edges) {
      const [u, v] = e.split(',').map(Number);
      assert.ok(edges.has(`${(u + 8) % 64},${(v + 8) % 64}`), `image of ${e}`);
    }
    assert.equal(plainBfs(g).sum / (64 * 63), w.aspl);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(graphCommand({ nodes: 64, degree: 4, swaps: 10, symmetry: 6 }), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT' && /divisor/.test(e.message));
  await assert.rejects(graphCommand({ nodes: 64, degree: 4, swaps: 10, symmetry: 'x' }), (e: unknown) => isRgpError(e) && /--symmetry must be an integer/.test(e.message));
});

test('Show Graph with search chains: the same graph on worker threads and on one thread, never worse than one chain', async () => {
  const o = { n: 40, k: 4, seed: 5, searchSwaps: 1500, searchChains: 2 };
  const threads = await searchGraphStructureChains(o, quietContext, {}, workerTs);
  const oneThread = await searchGraphStructureChains(o, quietContext);
  assert.deepEqual(threads.adjacency, oneThread.adjacency);
  assert.equal(threads.chains, 2);
  const single = searchGraphStructure({ ...o, searchChains: 1 }, quietContext);
  assert.ok(threads.aspl <= single.aspl);
  assert.equal(threads.aspl, (await parallelSearch({ n: 40, k: 4, seed: 5, maxSwaps: 1500, chains: 2 }, workerTs)).aspl);
  await assert.rejects(searchGraphStructureChains({ ...o, searchChains: 65 }, quietContext), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT');
});
