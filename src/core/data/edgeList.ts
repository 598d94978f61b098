/**
 * SNAP / Network-Repository edge lists and node-label lists, parsed from bytes as they stream in.
 *
 * Formats read (the common ground of https://snap.stanford.edu/data and https://networkrepository.com):
 *  - one row per line, fields separated by spaces, tabs or commas (CRLF line ends are fine);
 *  - blank lines and lines starting with `#` or `%` are comments;
 *  - a first data line whose first field is not a number is a column header ("src,dst,time") and skipped;
 *  - MatrixMarket (`%%MatrixMarket matrix coordinate …` on line 1): the first data line is the size line
 *    `rows cols entries` and is skipped; each entry line is `row col [value] [time]`.
 *
 * Columns of an edge row: `src dst` then optional extras. Which extra is the timestamp (`timeColumn`,
 * 0-based) is fixed by the first edge row unless given:
 *  - 2 fields → no time;
 *  - 3 fields → the third is the time (SNAP temporal: `SRC DST UNIXTS`), except in MatrixMarket files,
 *    where the third column is the matrix value (a weight) and there is no time;
 *  - 4 or more fields → the fourth is the time (Network-Repository dynamic graphs: `src dst weight time`).
 * Weights are not kept. Every row must then have at least timeColumn + 1 fields.
 *
 * Node ids are any finite numbers (SNAP ids are integers); they are remapped to 0..N−1 in order of first
 * appearance (src before dst) and the original ids kept in `originalIds`. Self-loops and repeated edges are
 * kept as they are in the file; MatrixMarket `symmetric` files are not mirrored (edges as listed).
 *
 * Memory: 16 bytes per edge with a time column (src, dst Int32, time Float64), 8 without, plus 8 bytes per
 * node for the ids, and for the id → index map either a plain Int32Array indexed by id (ids that are
 * integers below max(2^24, 8 · nodes)) or a hash map of 16 bytes per slot (2–4 slots per node); arrays grow
 * by 1.5×. Parsing works on the bytes directly — no string per line — in O(bytes); only a line cut by a
 * chunk boundary is copied. Errors name the line (BAD_GRAPH for edge lists, BAD_DATASET for label files).
 */
import { RgpError } from '../errors';

export interface TemporalEdges {
  nodeCount: number;
  edgeCount: number;
  /** 0-based node indices (remapped), one per edge, in file order. */
  src: Int32Array;
  dst: Int32Array;
  /** The timestamp of each edge, or null when the file has no time column. */
  time: Float64Array | null;
  /** originalIds[i] = the id node i has in the file. */
  originalIds: Float64Array;
  /** Where the edges came from (a file name), for messages and reports. */
  source: string;
}

/** Receives the numeric fields of one data line; `fields` is reused between calls. */
export interface RowSink {
  row(fields: Float64Array, count: number, line: number): void;
}

const MAX_LINE_BYTES = 1 << 20;
/** Ids below this always index the dense id table (64 MiB at most). */
const DENSE_IDS = 1 << 24;
/** Powers of ten that are exact doubles: a mantissa < 2^53 times or over one of them is correctly rounded. */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const NEWLINE = new Uint8Array([10]);
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isSeparator(c: number): boolean {
  return c === 32 || c === 9 || c === 44 || c === 13 || c === 11 || c === 12;
}

/**
 * Splits streamed bytes into lines and lines into numbers. Whole lines are scanned in place inside the
 * chunk; the partial line at a chunk's end is copied into `carry` and completed by the next chunk.
 */
export class NumericTextScanner {
  /** Lines seen so far (1-based number of the line being scanned). */
  line = 0;
  matrixMarket = false;
  /** The MatrixMarket field type (`pattern`, `real`, `integer`, `complex`), when a header was seen. */
  matrixField = '';
  /** The MatrixMarket size line (rows, cols, entries), once read. */
  matrixSize: [number, number, number] | null = null;
  headerLine = 0;
  commentLines = 0;
  private dataLines = 0;
  private carry = new Uint8Array(256);
  private carryLength = 0;
  private readonly fields: Float64Array;
  private ended = false;

  constructor(
    private readonly sink: RowSink,
    private readonly source: string,
    maxFields = 8,
  ) {
    this.fields = new Float64Array(maxFields);
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('NumericTextScanner.push after end');
    let start = 0;
    if (this.carryLength > 0) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.appendCarry(chunk, 0, chunk.length);
        return;
      }
      this.appendCarry(chunk, 0, nl + 1);
      this.scanLines(this.carry, 0, this.carryLength);
      this.carryLength = 0;
      start = nl + 1;
    }
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl >= start) {
      this.scanLines(chunk, start, lastNl + 1);
      start = lastNl + 1;
    }
    if (start < chunk.length) this.appendCarry(chunk, start, chunk.length);
  }

  /** Scans the last line when it has no newline. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.carryLength > 0) {
      // Every scanned range ends in a newline, so the inner loops never look past it.
      this.appendCarry(NEWLINE, 0, 1);
      this.scanLines(this.carry, 0, this.carryLength);
    }
    this.carryLength = 0;
  }

  private appendCarry(bytes: Uint8Array, from: number, to: number): void {
    const need = this.carryLength + (to - from);
    if (need > MAX_LINE_BYTES) {
      throw new RgpError(
        'BAD_GRAPH',
        `${this.source}: line ${this.line + 1} is longer than ${MAX_LINE_BYTES} bytes; an edge list has one short row per line.`,
        'Check that the file is a text edge list (one "src dst [time]" per line), not a binary or single-line file.',
      );
    }
    if (need > this.carry.length) {
      const grown = new Uint8Array(Math.max(need, this.carry.length * 2));
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    this.carry.set(bytes.subarray(from, to), this.carryLength);
    this.carryLength = need;
  }

  /** Scans the complete lines in bytes[from, to); bytes[to − 1] is always a newline. */
  private scanLines(b: Uint8Array, from: number, to: number): void {
    const fields = this.fields;
    const maxFields = fields.length;
    let i = from;
    while (i < to) {
      this.line++;
      // Leading blanks.
      let c = b[i];
      while (i < to && (c === 32 || c === 9 || c === 13 || c === 11 || c === 12)) c = b[++i];
      if (i >= to) break;
      if (c === 10) {
        i++;
        continue;
      }
      if (c === 35 || c === 37) {
        if (c === 37 && this.line === 1 && b[i + 1] === 37) this.readMatrixMarketHeader(b, i, to);
        else this.commentLines++;
        while (i < to && b[i] !== 10) i++;
        i++;
        continue;
      }
      let count = 0;
      // Fields of one line.
      for (;;) {
        const tokenStart = i;
        let neg = false;
        if (c === 45) {
          neg = true;
          c = b[++i];
        } else if (c === 43) c = b[++i];
        let mantissa = 0;
        let digits = 0;
        let scale = 0;
        let d = c - 48;
        while (d >= 0 && d <= 9) {
          mantissa = mantissa * 10 + d;
          digits++;
          d = b[++i] - 48;
        }
        c = b[i];
        if (c === 46) {
          d = b[++i] - 48;
          while (d >= 0 && d <= 9) {
            mantissa = mantissa * 10 + d;
            digits++;
            scale--;
            d = b[++i] - 48;
          }
          c = b[i];
        }
        let value: number;
        if (digits > 0 && (i >= to || c === 10 || isSeparator(c)) && mantissa < 9007199254740992 && scale >= -22) {
          value = scale === 0 ? mantissa : mantissa / POW10[-scale];
          if (neg) value = -value;
        } else {
          // Exponents, very long numbers, or not a number: the exact (slow) path on this token only.
          while (i < to && b[i] !== 10 && !isSeparator(b[i])) i++;
          value = this.slowNumber(b, tokenStart, i, count);
          if (value !== value) {
            // A header row: skip the line.
            while (i < to && b[i] !== 10) i++;
            count = -1;
            break;
          }
          c = b[i];
        }
        if (count < maxFields) fields[count] = value;
        count++;
        // Separators up to the next field or the line end.
        while (i < to && isSeparator(c)) c = b[++i];
        if (i >= to || c === 10) break;
      }
      i++;
      if (count < 0) continue;
      this.dataLines++;
      if (this.matrixMarket && this.matrixSize === null) {
        this.matrixSize = [fields[0], count > 1 ? fields[1] : NaN, count > 2 ? fields[2] : NaN];
        continue;
      }
      this.sink.row(fields, count, this.line);
    }
  }

  /** Parses a token the fast path refused; NaN means "a header row", anything else non-numeric throws. */
  private slowNumber(b: Uint8Array, from: number, to: number, fieldIndex: number): number {
    let text = '';
    for (let k = from; k < to && k - from < 64; k++) text += String.fromCharCode(b[k]);
    if (NUMBER_TEXT.test(text)) return Number(text);
    if (fieldIndex === 0 && this.dataLines === 0 && this.headerLine === 0 && !this.matrixMarket) {
      this.headerLine = this.line;
      return NaN;
    }
    throw new RgpError(
      'BAD_GRAPH',
      `${this.source}: line ${this.line}, field ${fieldIndex + 1}: "${text}" is not a number.`,
      'Each line must hold numbers separated by spaces, tabs or commas (node ids, then optional weight/time); start comment lines with # or %.',
    );
  }

  private readMatrixMarketHeader(b: Uint8Array, from: number, to: number): void {
    let text = '';
    for (let k = from; k < to && b[k] !== 10 && k - from < 200; k++) text += String.fromCharCode(b[k]);
    const words = text.trim().toLowerCase().split(/\s+/);
    if (words[0] !== '%%matrixmarket') {
      this.commentLines++;
      return;
    }
    if (words[2] !== 'coordinate') {
      throw new RgpError(
        'BAD_GRAPH',
        `${this.source}: line 1: a MatrixMarket "${words[2] ?? '?'}" file is a dense matrix, not an edge list.`,
        'Give a MatrixMarket "coordinate" file (one "row col [value]" entry per line) or a plain edge list.',
      );
    }
    this.matrixMarket = true;
    this.matrixField = words[3] ?? '';
  }
}

/**
 * An open-addressing hash map from float64 keys (node ids) to int32 values, linear probing, load ≤ 1/2.
 * Key and value share one Float64Array slot pair, so a lookup touches one cache line, not two arrays.
 * Integer keys below 2^32 — every SNAP id — hash from their value without touching the float bits.
 */
export class Float64IndexMap {
  size = 0;
  /** [key, value] pairs; value −1 marks an empty slot. */
  private slots: Float64Array;
  private mask: number;
  private readonly f64 = new Float64Array(1);
  private readonly u32 = new Uint32Array(this.f64.buffer);

  constructor(expected = 1024) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.slots = emptySlots(cap);
    this.mask = cap - 1;
  }

  private hash(key: number): number {
    let h: number;
    if (key === key >>> 0) h = key;
    else {
      this.f64[0] = key;
      h = this.u32[0] ^ Math.imul(this.u32[1], 0x9e3779b1);
    }
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
    return (h ^ (h >>> 16)) & this.mask;
  }

  /** The value stored for `key`, or -1. */
  get(key: number): number {
    const slots = this.slots;
    let s = this.hash(key);
    for (;;) {
      const v = slots[2 * s + 1];
      if (v < 0 || slots[2 * s] === key) return v;
      s = (s + 1) & this.mask;
    }
  }

  /** The value stored for `key`; stores `value` (≥ 0) first when the key is new. */
  getOrInsert(key: number, value: number): number {
    const slots = this.slots;
    let s = this.hash(key);
    for (;;) {
      const v = slots[2 * s + 1];
      if (v < 0) break;
      if (slots[2 * s] === key) return v;
      s = (s + 1) & this.mask;
    }
    slots[2 * s] = key;
    slots[2 * s + 1] = value;
    if (++this.size * 4 > slots.length) this.grow();
    return value;
  }

  private grow(): void {
    const old = this.slots;
    const cap = old.length; // twice the old slot count
    this.slots = emptySlots(cap);
    this.mask = cap - 1;
    for (let s = 0; s < old.length; s += 2) {
      const v = old[s + 1];
      if (v < 0) continue;
      let t = this.hash(old[s]);
      while (this.slots[2 * t + 1] >= 0) t = (t + 1) & this.mask;
      this.slots[2 * t] = old[s];
      this.slots[2 * t + 1] = v;
    }
  }
}

function emptySlots(cap: number): Float64Array {
  const slots = new Float64Array(2 * cap);
  for (let s = 1; s < slots.length; s += 2) slots[s] = -1;
  return slots;
}

export interface EdgeListOptions {
  /** 0-based column of the timestamp (≥ 2); null: ignore any time column; default: the rule in the header. */
  timeColumn?: number | null;
  /** Name for messages and `TemporalEdges.source` (a file name). */
  source?: string;
  /** Expected edge count, to size the arrays once (a guess is fine). */
  capacityHint?: number;
}

/** Counts worth reporting besides the edges themselves. */
export interface EdgeListStats {
  lines: number;
  commentLines: number;
  /** 1-based line of a skipped column header, or 0. */
  headerLine: number;
  matrixMarket: boolean;
  /** The entry count a MatrixMarket size line declared, or null. */
  declaredEntries: number | null;
  /** The time column used (0-based), or null. */
  timeColumn: number | null;
  selfLoops: number;
}

/** Incremental edge-list parser: `push` chunks of the file in order (any sizes), then `finish`. */
export class EdgeListParser implements RowSink {
  private readonly scanner: NumericTextScanner;
  private readonly source: string;
  /** Id → index while ids are small non-negative integers (see widenDense), else null and `ids` is used. */
  private dense: Int32Array | null = new Int32Array(1 << 16).fill(-1);
  private ids = new Float64IndexMap(16);
  private timeColumn: number | null | undefined;
  private minFields = 2;
  private src: Int32Array;
  private dst: Int32Array;
  private time: Float64Array | null = null;
  private capacity: number;
  private edges = 0;
  private originalIds = new Float64Array(1 << 12);
  private nodes = 0;
  private selfLoops = 0;
  private finished = false;

  constructor(opts: EdgeListOptions = {}) {
    this.source = opts.source ?? 'edge list';
    this.scanner = new NumericTextScanner(this, this.source, 8);
    if (opts.timeColumn !== undefined && opts.timeColumn !== null && !(Number.isInteger(opts.timeColumn) && opts.timeColumn >= 2 && opts.timeColumn < 8)) {
      throw new RgpError('BAD_ARGUMENT', `timeColumn must be an integer from 2 to 7 (0-based; columns 0 and 1 are the node ids), got ${opts.timeColumn}.`, 'Give the 0-based column of the timestamp, e.g. 2 for "src dst time".');
    }
    this.timeColumn = opts.timeColumn;
    this.capacity = Math.max(1024, Math.ceil(opts.capacityHint ?? 0));
    this.src = new Int32Array(this.capacity);
    this.dst = new Int32Array(this.capacity);
    this.ensureTimeArray();
  }

  push(chunk: Uint8Array): void {
    this.scanner.push(chunk);
  }

  /** @internal the scanner's callback for one data row. */
  row(fields: Float64Array, count: number, line: number): void {
    if (this.timeColumn === undefined) {
      this.chooseTimeColumn(count);
      this.ensureTimeArray();
    }
    if (count < this.minFields) {
      throw new RgpError(
        'BAD_GRAPH',
        `${this.source}: line ${line} has ${count} field${count === 1 ? '' : 's'}; ` +
          (this.minFields > 2 ? `every edge needs ${this.minFields} (src dst … with the time in column ${this.minFields}).` : 'an edge needs "src dst".'),
        'Give one edge per line as "src dst [weight] [time]" with the same columns on every line.',
      );
    }
    const a = fields[0];
    const b = fields[1];
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      throw new RgpError('BAD_GRAPH', `${this.source}: line ${line}: node id ${Number.isFinite(a) ? b : a} is not a finite number.`, 'Node ids must be ordinary numbers.');
    }
    // Ids are held as float64: from 2^53 on, distinct ids in the file would silently become one node.
    if (Math.abs(a) >= 2 ** 53 || Math.abs(b) >= 2 ** 53) {
      throw new RgpError('BAD_GRAPH', `${this.source}: line ${line}: a node id is 2^53 or more, too large to tell apart from its neighbours.`, 'Renumber the nodes (e.g. 0, 1, 2, …); ids must be below 9007199254740992.');
    }
    if (this.edges === this.capacity) this.grow();
    const u = this.nodeIndex(a);
    const v = this.nodeIndex(b);
    if (u === v) this.selfLoops++;
    this.src[this.edges] = u;
    this.dst[this.edges] = v;
    if (this.time !== null) {
      const t = fields[this.timeColumn as number];
      if (!Number.isFinite(t)) throw new RgpError('BAD_GRAPH', `${this.source}: line ${line}: the time ${t} is not a finite number.`, 'Timestamps must be numbers (e.g. Unix seconds).');
      this.time[this.edges] = t;
    }
    this.edges++;
  }

  /** The 0-based index of node id `id`, assigning the next index to a new id. */
  private nodeIndex(id: number): number {
    const dense = this.dense;
    if (dense !== null) {
      if (id >= 0 && id < dense.length && id === Math.floor(id)) {
        const x = dense[id];
        if (x >= 0) return x;
        dense[id] = this.nodes;
        return this.addNode(id);
      }
      this.widenDense(id);
      return this.nodeIndex(id);
    }
    const x = this.ids.getOrInsert(id, this.nodes);
    return x === this.nodes ? this.addNode(id) : x;
  }

  /**
   * Ids are small non-negative integers in most files (SNAP numbers nodes 0…N or 1…N), so they index a plain
   * array — one memory access instead of a hash probe. The array may grow to max(2^24, 8 · nodes) entries
   * (≤ 32 bytes per node beyond 64 MiB); the first id outside that switches to the hash map for good.
   */
  private widenDense(id: number): void {
    const dense = this.dense as Int32Array;
    const limit = Math.max(DENSE_IDS, 8 * this.nodes);
    if (id === Math.floor(id) && id >= 0 && id < limit) {
      const grown = new Int32Array(Math.min(limit, Math.max(id + 1, Math.ceil(dense.length * 1.5)))).fill(-1);
      grown.set(dense);
      this.dense = grown;
      return;
    }
    this.ids = new Float64IndexMap(this.nodes);
    for (let i = 0; i < this.nodes; i++) this.ids.getOrInsert(this.originalIds[i], i);
    this.dense = null;
  }

  private chooseTimeColumn(count: number): void {
    const mtx = this.scanner.matrixMarket;
    if (count >= 4 && !(mtx && this.scanner.matrixField === 'complex')) this.timeColumn = 3;
    else if (count === 3 && !mtx) this.timeColumn = 2;
    else this.timeColumn = null;
  }

  /** Records a new node and returns its index. */
  private addNode(id: number): number {
    if (this.nodes === this.originalIds.length) {
      const grown = new Float64Array(Math.ceil(this.nodes * 1.5));
      grown.set(this.originalIds);
      this.originalIds = grown;
    }
    this.originalIds[this.nodes] = id;
    if (this.nodes === 0x7ffffffe) throw new RgpError('BAD_GRAPH', `${this.source}: more than 2^31 nodes.`, 'Split the graph.');
    return this.nodes++;
  }

  /** Makes room for `edges` edges in all (a size estimate from the first chunk saves regrowth copies). */
  reserve(edges: number): void {
    if (edges > this.capacity) this.grow(Math.ceil(edges));
  }

  /** Lines scanned so far. */
  get lines(): number {
    return this.scanner.line;
  }

  private grow(to = Math.ceil(this.capacity * 1.5)): void {
    const cap = to;
    const src = new Int32Array(cap);
    src.set(this.src);
    this.src = src;
    const dst = new Int32Array(cap);
    dst.set(this.dst);
    this.dst = dst;
    if (this.time !== null) {
      const time = new Float64Array(cap);
      time.set(this.time);
      this.time = time;
    }
    this.capacity = cap;
  }

  /** Called once the time column is known: allocates the time array or fixes the minimum field count. */
  private ensureTimeArray(): void {
    if (this.timeColumn !== null && this.timeColumn !== undefined && this.time === null) {
      this.time = new Float64Array(this.capacity);
      this.minFields = this.timeColumn + 1;
    }
  }

  stats(): EdgeListStats {
    const s = this.scanner;
    return {
      lines: s.line,
      commentLines: s.commentLines,
      headerLine: s.headerLine,
      matrixMarket: s.matrixMarket,
      declaredEntries: s.matrixSize ? s.matrixSize[2] : null,
      timeColumn: this.timeColumn ?? null,
      selfLoops: this.selfLoops,
    };
  }

  finish(): TemporalEdges {
    if (this.finished) throw new Error('EdgeListParser.finish called twice');
    this.finished = true;
    this.scanner.end();
    if (this.edges === 0) {
      throw new RgpError('BAD_GRAPH', `${this.source} has no edges (${this.scanner.line} lines, all blank or comments).`, 'Give a file with one edge "src dst [time]" per line.');
    }
    const m = this.edges;
    return {
      nodeCount: this.nodes,
      edgeCount: m,
      src: trim(this.src, m),
      dst: trim(this.dst, m),
      time: this.time === null ? null : trim(this.time, m),
      originalIds: trim(this.originalIds, this.nodes),
      source: this.source,
    };
  }
}

/** A view when little would be wasted, else a compact copy. */
function trim<T extends Int32Array | Float64Array>(a: T, n: number): T {
  return (n * 1.25 >= a.length ? a.subarray(0, n) : a.slice(0, n)) as T;
}

/** Parses a whole edge list held in memory (tests, small files); same rules as the streaming parser. */
export function parseEdgeListBytes(bytes: Uint8Array, opts: EdgeListOptions = {}): TemporalEdges {
  const p = new EdgeListParser(opts);
  p.push(bytes);
  return p.finish();
}

export interface NodeLabels {
  /** labels[i] = the class of node i in 0..classes−1, or -1 when the file gives none. */
  labels: Int32Array;
  classes: number;
  /** The label as written in the file for each class (classes are the distinct values in ascending order). */
  classValues: Float64Array;
  /** Nodes that got a label. */
  labelled: number;
  /** Rows naming a node id that is not in the edge list (counted and ignored). */
  unknownNodes: number;
}

/**
 * `node label` rows (e.g. email-Eu-core-department-labels), mapped through the edge list's id remapping.
 * Class indices are the distinct label values in ascending order (labels 0..41 stay 0..41). Rows for ids
 * the edge list does not have are counted in `unknownNodes` and ignored — a label file often covers a
 * larger graph than the edges kept; a node given two different labels is an error.
 */
export class NodeLabelParser implements RowSink {
  private readonly scanner: NumericTextScanner;
  private readonly index: Float64IndexMap;
  private readonly raw: Float64Array;
  private readonly rawLine: Int32Array;
  private unknown = 0;
  private readonly source: string;

  constructor(private readonly edges: TemporalEdges, source = 'node labels') {
    this.source = source;
    this.scanner = new NumericTextScanner(this, source, 4);
    this.index = new Float64IndexMap(edges.nodeCount);
    for (let i = 0; i < edges.nodeCount; i++) this.index.getOrInsert(edges.originalIds[i], i);
    this.raw = new Float64Array(edges.nodeCount).fill(NaN);
    this.rawLine = new Int32Array(edges.nodeCount);
  }

  push(chunk: Uint8Array): void {
    this.scanner.push(chunk);
  }

  /** @internal */
  row(fields: Float64Array, count: number, line: number): void {
    if (count < 2) {
      throw new RgpError('BAD_DATASET', `${this.source}: line ${line} has ${count} field; a label row is "node label".`, 'Give one "node label" pair per line.');
    }
    const node = this.index.get(fields[0]);
    if (node < 0) {
      this.unknown++;
      return;
    }
    const label = fields[1];
    if (!Number.isFinite(label)) throw new RgpError('BAD_DATASET', `${this.source}: line ${line}: the label ${label} is not a finite number.`, 'Labels must be numbers (class ids).');
    const prev = this.raw[node];
    if (prev === prev && prev !== label) {
      throw new RgpError(
        'BAD_DATASET',
        `${this.source}: line ${line}: node ${fields[0]} is labelled ${label}, but line ${this.rawLine[node]} labelled it ${prev}.`,
        'Give each node one label (multi-label files are not supported).',
      );
    }
    this.raw[node] = label;
    this.rawLine[node] = line;
  }

  finish(): NodeLabels {
    this.scanner.end();
    const values = Array.from(new Set(Array.from(this.raw).filter((v) => v === v))).sort((a, b) => a - b);
    if (values.length === 0) {
      throw new RgpError('BAD_DATASET', `${this.source} labels none of the ${this.edges.nodeCount} nodes of ${this.edges.source} (${this.unknown} rows name other ids).`, 'Check that the label file belongs to this edge list (same node ids).');
    }
    const classOf = new Map(values.map((v, k) => [v, k] as const));
    const labels = new Int32Array(this.edges.nodeCount).fill(-1);
    let labelled = 0;
    for (let i = 0; i < labels.length; i++) {
      const v = this.raw[i];
      if (v === v) {
        labels[i] = classOf.get(v) as number;
        labelled++;
      }
    }
    return { labels, classes: values.length, classValues: Float64Array.from(values), labelled, unknownNodes: this.unknown };
  }
}
