import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { EdgeListParser, Float64IndexMap, NodeLabelParser, parseEdgeListBytes, type EdgeListStats, type TemporalEdges } from '../../src/core/data/edgeList';
import { isRgpError } from '../../src/core/errors';
import { CancelSource } from '../../src/core/job';
import { Random } from '../../src/core/random';
import { readEdgeList, readNodeLabels } from '../../src/io/edgeListFile';
import { throwsRgp } from './rgpAssert';

const SNAP = join(__dirname, '..', '..', 'data', 'snap');
const COLLEGE = join(SNAP, 'CollegeMsg.txt.gz');
const EMAIL = join(SNAP, 'email-Eu-core.txt.gz');
const DEPARTMENTS = join(SNAP, 'email-Eu-core-department-labels.txt.gz');

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The same edges, id for id and time for time. */
function assertSameEdges(a: TemporalEdges, b: TemporalEdges): void {
  assert.equal(a.nodeCount, b.nodeCount);
  assert.equal(a.edgeCount, b.edgeCount);
  assert.deepEqual(Array.from(a.src), Array.from(b.src));
  assert.deepEqual(Array.from(a.dst), Array.from(b.dst));
  assert.deepEqual(a.time && Array.from(a.time), b.time && Array.from(b.time));
  assert.deepEqual(Array.from(a.originalIds), Array.from(b.originalIds));
}

/** An independent reading of a whitespace edge list with strings and a Map, to check the byte parser. */
function naiveParse(text: string, timeColumn: number | null): { ids: number[]; src: number[]; dst: number[]; time: number[] } {
  const index = new Map<number, number>();
  const ids: number[] = [];
  const id = (x: number): number => {
    if (!index.has(x)) {
      index.set(x, ids.length);
      ids.push(x);
    }
    return index.get(x) as number;
  };
  const src: number[] = [];
  const dst: number[] = [];
  const time: number[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/[\s,]+/).filter((s) => s !== '');
    if (f.length === 0) continue;
    src.push(id(Number(f[0])));
    dst.push(id(Number(f[1])));
    if (timeColumn !== null) time.push(Number(f[timeColumn]));
  }
  return { ids, src, dst, time };
}

test('CollegeMsg reads as in the provenance table: 1,899 nodes, 59,835 timestamped edges in time order', async () => {
  let stats: EdgeListStats | undefined;
  const e = await readEdgeList(COLLEGE, { onStats: (s) => (stats = s) });
  assert.equal(e.nodeCount, 1899);
  assert.equal(e.edgeCount, 59835);
  assert.equal(e.source, 'CollegeMsg.txt.gz');
  assert.ok(e.time);
  assert.equal(stats?.timeColumn, 2);
  assert.equal(stats?.selfLoops, 0);
  // First line "1 2 1082040961": ids in order of first appearance.
  assert.deepEqual([e.src[0], e.dst[0], e.time[0]], [0, 1, 1082040961]);
  assert.deepEqual([e.originalIds[0], e.originalIds[1]], [1, 2]);
  assert.equal(e.time[e.edgeCount - 1], 1098777142);
  for (let i = 1; i < e.edgeCount; i++) assert.ok(e.time[i] >= e.time[i - 1], `time order at edge ${i}`);
  // ids 1…1,899 all used, each exactly once in originalIds.
  assert.deepEqual(Array.from(e.originalIds).sort((a, b) => a - b), Array.from({ length: 1899 }, (_, i) => i + 1));
  // The byte parser agrees with a plain string reading on every edge.
  const naive = naiveParse(gunzipSync(readFileSync(COLLEGE)).toString('latin1'), 2);
  assert.deepEqual(Array.from(e.src), naive.src);
  assert.deepEqual(Array.from(e.dst), naive.dst);
  assert.deepEqual(Array.from(e.time), naive.time);
  assert.deepEqual(Array.from(e.originalIds), naive.ids);
});

test('email-Eu-core (CRLF, no final newline) reads 1,005 nodes, 25,571 edges with 642 self-loops; 42 departments', async () => {
  let stats: EdgeListStats | undefined;
  const e = await readEdgeList(EMAIL, { onStats: (s) => (stats = s) });
  assert.equal(e.nodeCount, 1005);
  assert.equal(e.edgeCount, 25571);
  assert.equal(e.time, null);
  assert.equal(stats?.selfLoops, 642);
  assert.equal(stats?.lines, 25571);
  // Last line "506 932".
  assert.deepEqual([e.originalIds[e.src[25570]], e.originalIds[e.dst[25570]]], [506, 932]);

  const labels = await readNodeLabels(DEPARTMENTS, e);
  assert.equal(labels.classes, 42);
  assert.equal(labels.labelled, 1005);
  assert.equal(labels.unknownNodes, 0);
  assert.deepEqual(Array.from(labels.classValues), Array.from({ length: 42 }, (_, i) => i));
  // The file says node 0 → 1, node 2 → 21, node 1004 → 22: the labels follow the id remapping.
  const indexOf = (id: number): number => Array.from(e.originalIds).indexOf(id);
  assert.equal(labels.labels[indexOf(0)], 1);
  assert.equal(labels.labels[indexOf(2)], 21);
  assert.equal(labels.labels[indexOf(1004)], 22);
  const sizes = new Array(42).fill(0);
  for (const l of labels.labels) sizes[l]++;
  assert.equal(Math.max(...sizes), 109);
  assert.equal(Math.min(...sizes), 1);
});

test('chunk boundaries anywhere give the same edges (random chunk sizes, 1 byte up)', () => {
  for (const [file, seeds] of [[COLLEGE, 3], [EMAIL, 3]] as const) {
    const text = new Uint8Array(gunzipSync(readFileSync(file)));
    const whole = parseEdgeListBytes(text);
    for (let seed = 1; seed <= seeds; seed++) {
      const rng = new Random(seed);
      const p = new EdgeListParser();
      let at = 0;
      while (at < text.length) {
        // Mostly small chunks so that boundaries fall inside numbers, CRLFs and line ends.
        const size = seed === 1 && at < 4096 ? 1 : 1 + rng.int(rng.float() < 0.5 ? 16 : 5000);
        p.push(text.subarray(at, Math.min(text.length, at + size)));
        at += size;
      }
      assertSameEdges(p.finish(), whole);
    }
  }
});

test('comments, blank lines, a CSV header and commas are skipped or read as separators', () => {
  const text = '# a SNAP comment\n% a Network-Repository comment\n\n   \t\r\nsrc,dst,time\n10,20,5\n  20 ,\t30, 6.5 \r\n\n# end\n30,10,7';
  const p = new EdgeListParser();
  p.push(bytes(text));
  const e = p.finish();
  assert.deepEqual(Array.from(e.originalIds), [10, 20, 30]);
  assert.deepEqual(Array.from(e.src), [0, 1, 2]);
  assert.deepEqual(Array.from(e.dst), [1, 2, 0]);
  assert.deepEqual(Array.from(e.time ?? []), [5, 6.5, 7]);
  const s = p.stats();
  assert.equal(s.headerLine, 5);
  assert.equal(s.commentLines, 3);
  assert.equal(s.lines, 10);
});

test('MatrixMarket: the size line is skipped and the value column is a weight, not a time', () => {
  const pattern = parseEdgeListBytes(bytes('%%MatrixMarket matrix coordinate pattern general\n% made by hand\n3 3 2\n1 2\n2 3\n'));
  assert.deepEqual([pattern.nodeCount, pattern.edgeCount, pattern.time], [3, 2, null]);
  assert.deepEqual(Array.from(pattern.originalIds), [1, 2, 3]);

  const p = new EdgeListParser();
  p.push(bytes('%%MatrixMarket matrix coordinate real symmetric\n4 4 3\n2 1 0.5\n3 1 1.5\n4 2 2\n'));
  const weighted = p.finish();
  assert.equal(weighted.time, null);
  assert.equal(weighted.edgeCount, 3);
  assert.equal(p.stats().declaredEntries, 3);
  assert.equal(p.stats().matrixMarket, true);

  // Network-Repository dynamic graphs: row col weight time → the fourth column is the time.
  const dynamic = parseEdgeListBytes(bytes('%%MatrixMarket matrix coordinate integer general\n3 3 2\n1 2 1 1000\n2 3 1 900\n'));
  assert.deepEqual(Array.from(dynamic.time ?? []), [1000, 900]);

  throwsRgp(() => parseEdgeListBytes(bytes('%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n')), 'BAD_GRAPH', /dense matrix/);
});

test('the time column: third of three, fourth of four or more, or as given', () => {
  assert.deepEqual(Array.from(parseEdgeListBytes(bytes('1 2 100\n2 3 50\n')).time ?? []), [100, 50]);
  assert.deepEqual(Array.from(parseEdgeListBytes(bytes('1 2 0.5 100 9\n2 3 0.25 50 9\n')).time ?? []), [100, 50]);
  assert.deepEqual(Array.from(parseEdgeListBytes(bytes('1 2 0.5 100\n2 3 0.25 50\n'), { timeColumn: 2 }).time ?? []), [0.5, 0.25]);
  assert.equal(parseEdgeListBytes(bytes('1 2 100\n2 3 50\n'), { timeColumn: null }).time, null);
  assert.equal(parseEdgeListBytes(bytes('1 2\n2 3\n')).time, null);
  assert.throws(() => new EdgeListParser({ timeColumn: 1 }), /timeColumn/);
});

test('numbers: signs, decimals, exponents and long integers read exactly as Number() reads them', () => {
  const tokens = ['-5', '+7', '.5', '1.25E-2', '1e3', '12345678901234567', '0.1', '3.141592653589793', '1082040961', '-0.000123', '9007199254740993', '2.5e+10'];
  const text = tokens.map((t, i) => `${i} ${i + 100} ${t}`).join('\n');
  const e = parseEdgeListBytes(bytes(text));
  assert.deepEqual(Array.from(e.time ?? []), tokens.map(Number));
  const ids = parseEdgeListBytes(bytes('9007199254740991 -3\n-3 0.5\n'));
  assert.deepEqual(Array.from(ids.originalIds), [9007199254740991, -3, 0.5]);
  // From 2^53 on, float64 ids merge (…992 and …993 are one number): refused, not silently merged (issue 14).
  throwsRgp(() => parseEdgeListBytes(bytes('9007199254740992 1\n9007199254740993 2\n')), 'BAD_GRAPH', /line 1: a node id is 2\^53 or more/);
  throwsRgp(() => parseEdgeListBytes(bytes('1 2\n3 12345678901234567\n')), 'BAD_GRAPH', /line 2: a node id is 2\^53 or more/);
});

test('ids keep their index when the id table grows and when it switches from dense array to hash map', () => {
  // 1, 2 start in the dense table; 100000 grows it; 2^40 and -7 switch to the hash map; then old ids recur.
  const e = parseEdgeListBytes(bytes('1 2\n100000 1\n2 1099511627776\n-7 100000\n2 1\n1099511627776 -7\n0.5 1\n'));
  assert.deepEqual(Array.from(e.originalIds), [1, 2, 100000, 1099511627776, -7, 0.5]);
  assert.deepEqual(Array.from(e.src), [0, 2, 1, 4, 1, 3, 5]);
  assert.deepEqual(Array.from(e.dst), [1, 0, 3, 2, 0, 4, 0]);
});

test('malformed rows are refused with the line number', () => {
  throwsRgp(() => parseEdgeListBytes(bytes('1 2\n# c\n3\n')), 'BAD_GRAPH', /line 3/, /1 field/);
  throwsRgp(() => parseEdgeListBytes(bytes('1 2\n3 x\n')), 'BAD_GRAPH', /line 2/, /"x" is not a number/);
  throwsRgp(() => parseEdgeListBytes(bytes('1 2 10\n2 3\n')), 'BAD_GRAPH', /line 2/, /time in column 3/);
  throwsRgp(() => parseEdgeListBytes(bytes('# only comments\n\n')), 'BAD_GRAPH', /no edges/);
  // A header is only allowed as the first data line.
  throwsRgp(() => parseEdgeListBytes(bytes('1 2\nsrc dst\n')), 'BAD_GRAPH', /line 2/);
  // A line cut across chunks still reports its own number.
  const p = new EdgeListParser();
  for (const c of ['1 2\n3 4\n5', ' y', 'z\n']) {
    try {
      p.push(bytes(c));
    } catch (e) {
      assert.ok(isRgpError(e) && /line 3/.test(e.message), String(e));
      return;
    }
  }
  assert.fail('a bad field split across chunks was not reported');
});

test('readEdgeList: gzip by magic bytes, plain text, progress to 1, cancellation and missing files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-edges-'));
  try {
    const text = gunzipSync(readFileSync(COLLEGE));
    const plain = join(dir, 'college.txt');
    const gzNamedPlain = join(dir, 'college.edges');
    writeFileSync(plain, text);
    writeFileSync(gzNamedPlain, gzipSync(text));
    const fractions: number[] = [];
    const ctx = { signal: new CancelSource(), progress: { report: (u: { fraction?: number }) => fractions.push(u.fraction ?? NaN) } };
    const a = await readEdgeList(plain, { ctx });
    const b = await readEdgeList(gzNamedPlain);
    assertSameEdges(a, b);
    assert.equal(a.edgeCount, 59835);
    assert.equal(fractions[fractions.length - 1], 1);
    for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i] >= fractions[i - 1]);

    const cancelled = new CancelSource();
    cancelled.cancel();
    await assert.rejects(readEdgeList(plain, { ctx: { signal: cancelled, progress: { report() {} } } }), (e: unknown) => isRgpError(e) && e.code === 'CANCELLED');

    await assert.rejects(readEdgeList(join(dir, 'missing.txt')), (e: unknown) => isRgpError(e) && e.code === 'UNREADABLE_FILE' && /does not exist/.test(e.message));
    const damaged = join(dir, 'truncated.gz');
    const gz = gzipSync(text);
    writeFileSync(damaged, gz.subarray(0, gz.length - 1000));
    await assert.rejects(readEdgeList(damaged), (e: unknown) => isRgpError(e) && e.code === 'UNREADABLE_FILE' && /decompressed/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('node labels: unknown ids are counted and ignored, label values become classes in order, conflicts are refused', () => {
  const edges = parseEdgeListBytes(bytes('7 8\n8 9\n'));
  const p = new NodeLabelParser(edges, 'labels.txt');
  p.push(bytes('# node label\n9 50\n7 5\n100 5\n7 5\n'));
  const l = p.finish();
  assert.deepEqual(Array.from(l.labels), [0, -1, 1]);
  assert.equal(l.classes, 2);
  assert.deepEqual(Array.from(l.classValues), [5, 50]);
  assert.equal(l.labelled, 2);
  assert.equal(l.unknownNodes, 1);

  const q = new NodeLabelParser(edges, 'labels.txt');
  assert.throws(() => q.push(bytes('7 1\n8 2\n7 3\n')), (e: unknown) => isRgpError(e) && e.code === 'BAD_DATASET' && /line 3/.test(e.message) && /line 1/.test(e.message));
  const r = new NodeLabelParser(edges, 'labels.txt');
  r.push(bytes('1 1\n2 2\n'));
  throwsRgp(() => r.finish(), 'BAD_DATASET', /labels none/);
});

test('Float64IndexMap keeps every key through growth: integers, negatives, fractions, huge ids', () => {
  const map = new Float64IndexMap(4);
  const keys: number[] = [];
  const rng = new Random(3);
  for (let i = 0; i < 50000; i++) {
    const kind = i % 4;
    keys.push(kind === 0 ? i : kind === 1 ? -i : kind === 2 ? i + 0.5 : 2 ** 40 + i * 4294967296);
  }
  rng.shuffle(keys);
  keys.forEach((k, i) => assert.equal(map.getOrInsert(k, i), i));
  assert.equal(map.size, keys.length);
  keys.forEach((k, i) => assert.equal(map.get(k), i));
  assert.equal(map.getOrInsert(keys[10], 999), 10);
  assert.equal(map.get(1.25), -1);
});
