import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseEdgeListBytes, type TemporalEdges } from '../../src/core/data/edgeList';
import { temporalLinkSplit } from '../../src/core/data/linkSplit';
import { temporalRandomWalks, walkArrays, type TemporalWalks } from '../../src/core/data/temporalWalk';
import { isRgpError } from '../../src/core/errors';
import { CancelSource } from '../../src/core/job';
import { readEdgeList } from '../../src/io/edgeListFile';

const ROOT = join(__dirname, '..', '..');
const SNAP = join(ROOT, 'data', 'snap');
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** For every ordered pair, the sorted times of its edges (both directions unless directed). */
function pairTimes(e: TemporalEdges, directed: boolean): Map<string, number[]> {
  const map = new Map<string, number[]>();
  const add = (u: number, v: number, t: number): void => {
    const k = `${u},${v}`;
    const list = map.get(k);
    if (list) list.push(t);
    else map.set(k, [t]);
  };
  for (let i = 0; i < e.edgeCount; i++) {
    const t = e.time ? e.time[i] : 0;
    add(e.src[i], e.dst[i], t);
    if (!directed) add(e.dst[i], e.src[i], t);
  }
  for (const list of map.values()) list.sort((a, b) => a - b);
  return map;
}

/**
 * Whether a node sequence can be walked with non-decreasing edge times. Taking at each step the earliest
 * edge no earlier than the clock is optimal (it leaves the most choices later), so a greedy check decides.
 */
function respectsTime(walk: ArrayLike<number>, times: Map<string, number[]>): boolean {
  let clock = -Infinity;
  for (let i = 1; i < walk.length; i++) {
    const list = times.get(`${walk[i - 1]},${walk[i]}`);
    const next = list?.find((t) => t >= clock);
    if (next === undefined) return false;
    clock = next;
  }
  return true;
}

function degrees(e: TemporalEdges, directed: boolean): Int32Array {
  const d = new Int32Array(e.nodeCount);
  for (let i = 0; i < e.edgeCount; i++) {
    d[e.src[i]]++;
    if (!directed) d[e.dst[i]]++;
  }
  return d;
}

function checkShape(w: TemporalWalks, walkLength: number): void {
  assert.equal(w.offsets.length, w.walkCount + 1);
  assert.equal(w.offsets[0], 0);
  assert.equal(w.offsets[w.walkCount], w.nodes.length);
  for (let k = 0; k < w.walkCount; k++) {
    const len = w.offsets[k + 1] - w.offsets[k];
    assert.ok(len >= 2 && len <= walkLength, `walk ${k} has ${len} nodes`);
  }
}

test('CollegeMsg training edges: every walk follows real edges with non-decreasing times', async () => {
  const edges = await readEdgeList(join(SNAP, 'CollegeMsg.txt.gz'));
  const { trainEdges } = temporalLinkSplit(edges, { seed: 1 });
  const walks = temporalRandomWalks(trainEdges, { walksPerNode: 4, walkLength: 12, seed: 7 });
  assert.equal(walks.kind, 'temporal');
  checkShape(walks, 12);
  const times = pairTimes(trainEdges, false);
  const arrays = walkArrays(walks);
  for (const walk of arrays) assert.ok(respectsTime(walk, times), `walk ${Array.from(walk).join(' ')} goes back in time`);
  // Every node with an edge before the cut starts exactly 4 walks; nodes without get none.
  const deg = degrees(trainEdges, false);
  const starts = new Int32Array(edges.nodeCount);
  for (const walk of arrays) starts[walk[0]]++;
  for (let x = 0; x < edges.nodeCount; x++) assert.equal(starts[x], deg[x] > 0 ? 4 : 0);
  // Walks end where no later edge leads on (the edge just used does not count), so lengths vary.
  const lengths = arrays.map((w) => w.length);
  assert.ok(lengths.some((l) => l === 12) && lengths.some((l) => l === 2));

  // The checker itself rejects a walk that goes back in time (so the assertion above can fail).
  const tiny = parseEdgeListBytes(bytes('0 1 3\n1 2 1\n'));
  const tinyTimes = pairTimes(tiny, false);
  assert.equal(respectsTime([2, 1, 0, 1], tinyTimes), true);
  assert.equal(respectsTime([0, 1, 2], tinyTimes), false);
});

test('a late edge cuts off an early one: temporal walks never cross it, static walks do', () => {
  // a—b at t=3, b—c at t=1. From a the clock is 3 and b—c is never usable; from c the walk is c, b, a and
  // stops, because the only edge at a is the one it arrived by.
  const text = '10 20 3\n20 30 1\n';
  const edges = parseEdgeListBytes(bytes(text));
  const [a, b, c] = [0, 1, 2];
  const temporal = walkArrays(temporalRandomWalks(edges, { walksPerNode: 20, walkLength: 8, seed: 1 }));
  assert.equal(temporal.length, 60);
  for (const w of temporal) {
    const expected = w[0] === a ? [a, b] : w[0] === c ? [c, b, a] : null;
    if (expected) assert.deepEqual(Array.from(w), expected);
    else assert.ok([[b, a].join(), [b, c].join()].includes(Array.from(w).join()), `walk ${Array.from(w)}`);
  }

  const staticEdges = parseEdgeListBytes(bytes(text), { timeColumn: null });
  const s = temporalRandomWalks(staticEdges, { walksPerNode: 20, walkLength: 8, seed: 1 });
  assert.equal(s.kind, 'static');
  assert.ok(walkArrays(s).some((w) => w[0] === a && Array.from(w).includes(c)), 'static walks go anywhere');
  assert.ok(walkArrays(s).every((w) => w.length === 8), 'static walks may step straight back');
});

test('directed walks follow src → dst only; walks are seeded', () => {
  const edges = parseEdgeListBytes(bytes('0 1 1\n1 2 2\n2 0 3\n0 2 4\n'));
  const times = pairTimes(edges, true);
  const w = temporalRandomWalks(edges, { walksPerNode: 20, walkLength: 6, seed: 3, directed: true });
  for (const walk of walkArrays(w)) assert.ok(respectsTime(walk, times), `walk ${Array.from(walk)}`);
  const again = temporalRandomWalks(edges, { walksPerNode: 20, walkLength: 6, seed: 3, directed: true });
  assert.deepEqual(Array.from(again.nodes), Array.from(w.nodes));
  const other = temporalRandomWalks(edges, { walksPerNode: 20, walkLength: 6, seed: 4, directed: true });
  assert.notDeepEqual(Array.from(other.nodes), Array.from(w.nodes));
});

test('email-Eu-core without times: static uniform walks over real edges; options are checked; cancellable', async () => {
  const edges = await readEdgeList(join(SNAP, 'email-Eu-core.txt.gz'));
  const w = temporalRandomWalks(edges, { walksPerNode: 2, walkLength: 20, seed: 1 });
  assert.equal(w.kind, 'static');
  checkShape(w, 20);
  const times = pairTimes(edges, false);
  for (const walk of walkArrays(w)) for (let i = 1; i < walk.length; i++) assert.ok(times.has(`${walk[i - 1]},${walk[i]}`));
  // Every node has an edge and a neighbour, so every walk runs to full length.
  assert.equal(w.walkCount, 2 * 1005);
  assert.equal(w.nodes.length, 2 * 1005 * 20);

  const isBadArg = (e: unknown): boolean => isRgpError(e) && e.code === 'BAD_ARGUMENT';
  assert.throws(() => temporalRandomWalks(edges, { walksPerNode: 0, walkLength: 20, seed: 1 }), isBadArg);
  assert.throws(() => temporalRandomWalks(edges, { walksPerNode: 1, walkLength: 1, seed: 1 }), isBadArg);
  const signal = new CancelSource();
  signal.cancel();
  assert.throws(
    () => temporalRandomWalks(edges, { walksPerNode: 1, walkLength: 5, seed: 1, ctx: { signal, progress: { report() {} } } }),
    (e: unknown) => isRgpError(e) && e.code === 'CANCELLED',
  );
});

test('a self-loop as a node\'s latest edge ends the walk instead of hanging (issue 14, item 3)', () => {
  // `0 1 1` and `1 1 2`: after 0 → 1 → 1 (the loop at t=2) the only edge left at node 1 is the loop just
  // taken. It used to take two slots at node 1, and the rejection loop redrew forever. The walks run in a
  // child process so that a hang fails the test at the timeout instead of blocking the runner.
  const script = `
    const { parseEdgeListBytes } = require('./src/core/data/edgeList');
    const { temporalRandomWalks, walkArrays } = require('./src/core/data/temporalWalk');
    const edges = parseEdgeListBytes(new TextEncoder().encode('0 1 1\\n1 1 2\\n'));
    const w = temporalRandomWalks(edges, { walksPerNode: 50, walkLength: 10, seed: 5 });
    process.stdout.write(JSON.stringify(walkArrays(w).map((a) => Array.from(a))));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(child.signal, null, 'the walks did not finish within 60 s');
  assert.equal(child.status, 0, child.stderr);
  const walks = JSON.parse(child.stdout) as number[][];
  assert.equal(walks.length, 100);
  const seen = new Set(walks.map((w) => w.join()));
  // From 0: 0 → 1 at t=1, then the loop at t=2 (the edge back to 0 is the one just used), then nothing.
  // From 1: to 0 (then nothing: its only edge is the one just used) or round the loop (then nothing later).
  assert.deepEqual([...seen].sort(), ['0,1,1', '1,0', '1,1']);
  assert.ok(walks.filter((w) => w[0] === 0).every((w) => w.join() === '0,1,1'));
});

test('self-loops are kept as one step each, in temporal and static walks alike', () => {
  // A star with a loop at its centre: the loop takes one slot, so from the centre (3 slots: two spokes and
  // the loop) the loop is the first step a third of the time.
  const text = '0 1 1\n0 2 1\n0 0 1\n';
  for (const timeColumn of [undefined, null] as const) {
    const edges = parseEdgeListBytes(bytes(text), timeColumn === null ? { timeColumn: null } : {});
    const walks = walkArrays(temporalRandomWalks(edges, { walksPerNode: 3000, walkLength: 4, seed: 2 }));
    const fromCentre = walks.filter((w) => w[0] === 0);
    assert.equal(fromCentre.length, 3000);
    const loops = fromCentre.filter((w) => w[1] === 0).length / fromCentre.length;
    assert.ok(Math.abs(loops - 1 / 3) < 0.04, `loop first ${loops} of the time (${timeColumn === null ? 'static' : 'temporal'})`);
  }
});
