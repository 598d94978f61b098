/**
 * The WebAssembly-SIMD steps of the bit-parallel BFS (see `aspl.ts` for the algorithm).
 *
 * The neighbour array is *prescaled*, once per buffer: entry j holds the byte address of its vertex's row
 * in that buffer (`scaleAdj` writes both in one pass per graph), so a neighbour's row is a single load of an
 * address, where a plain index costs a shift and an add per neighbour. Measured at (1024, 16), with the
 * in-place first level and its unrolling: 0.118 ms against 0.132 ms; row offsets (one array, an add per
 * neighbour) were 0.122 ms. Interleaving the two buffers' rows, so that one array of addresses would serve
 * both, was 1.16× slower at (4096, 32): a random row read also pulls in the adjacent line (the other
 * buffer's row), which halves the useful cache.
 *
 * The level step `level(off, adj, a, b, n) → i32`: for every vertex v, B[v] = A[v] | OR_{u ∈ N(v)} A[u]
 * over rows of `lanes` × 128 bits, and it returns Σ_v popcount(B[v]). Beside it each module exports the
 * same step from the neighbours' rows only (`levelNb`), with an early exit on complete rows (`levelExit`),
 * the first level by scattering (`levelOne`, in place), a block's start (`startBlock`), the prescaling
 * (`scaleAdj`) and, for a degree k, the k-unrolled steps (`levelReg`, `levelRegNb`, `levelExitReg`,
 * `levelOneReg`). Rows are v128 vectors, so one OR covers 128 BFS sources; `lanes` > 1 amortises the
 * neighbour-address load over more sources. Pointers are byte offsets into the module's own memory; `off`
 * is the CSR offsets array (n+1 × i32) and `adj` the neighbour array prescaled for the buffer read (A).
 *
 * The module bytes are produced by `wasmEmit.ts` at load time and compiled synchronously. If the engine
 * lacks SIMD (validation fails) `wasmKernelAvailable()` is false and callers use the TypeScript kernel.
 */
import { Code, emitModule, I32, I64, V128, type FuncDef, type ValType } from './wasmEmit';

export type LevelFn = (off: number, adj: number, a: number, b: number, n: number) => number;
export type StartBlockFn = (pad: number, a: number, n: number, s0: number, cnt: number) => void;
export type LevelOneFn = (off: number, adj: number, s0: number, cnt: number) => number;
export type ScaleAdjFn = (src: number, cnt: number, dstA: number, a: number, dstB: number, b: number) => void;

export interface WasmKernelInstance {
  memory: WebAssembly.Memory;
  lanes: number;
  /** The degree the unrolled steps are built for (0: none). */
  k: number;
  level: LevelFn;
  /** `level` from the neighbours' rows only — the same from the second level on, for graphs without isolated vertices. */
  levelNb: LevelFn;
  /** `level` with an early exit per row: stops reading neighbours once the row is all ones (see below). */
  levelExit: LevelFn;
  /** The level step for k-regular CSR graphs (offsets v·k), unrolled; `off` is ignored. */
  levelReg?: LevelFn;
  /** `levelReg` from the neighbours' rows only (as `levelNb`). */
  levelRegNb?: LevelFn;
  /** `levelReg` with the same early exit. */
  levelExitReg?: LevelFn;
  /** The first level by scattering the block's sources into their neighbours' rows (see `levelOneFunc`). */
  levelOne: LevelOneFn;
  /** `levelOne` for k-regular graphs, the neighbour loop unrolled. */
  levelOneReg?: LevelOneFn;
  /** Writes a block's start rows (see `startBlockFunc`). */
  startBlock: StartBlockFn;
  /** Writes the prescaled neighbour array (see `scaleAdjFunc`). */
  scaleAdj: ScaleAdjFn;
}

/**
 * Builds the module bytes of the level kernel for rows of `lanes` v128 vectors (lanes ∈ {1,2,4,8}). With a
 * degree `k` > 0 the module also exports steps specialised for k-regular CSR graphs (offsets v·k): the
 * neighbour loop is fully unrolled (k address loads at constant offsets, no offsets array, no loop branch),
 * which is what a C compiler does with a known k. Measured against the loops (interleaved, 2026-12-03):
 * (64, 8) 1.11 vs 1.35 µs, (256, 8) 7.5 vs 8.6 µs, (1024, 16) 104 vs 114 µs, (4096, 32) 2.97 vs 3.10 ms —
 * once the unrolled level step stopped spilling (see `levelFunc`); before that it lost at 4 vectors per row.
 */
export function buildLevelModule(lanes: number, k = 0): Uint8Array<ArrayBuffer> {
  const shift = Math.log2(16 * lanes);
  if (!Number.isInteger(shift)) throw new Error(`lanes must be a power of two, got ${lanes}`);
  if (!(Number.isInteger(k) && k >= 0 && k <= MAX_UNROLLED_DEGREE)) throw new Error(`k must be an integer in [0, ${MAX_UNROLLED_DEGREE}], got ${k}`);
  const funcs = [startBlockFunc(lanes, shift), scaleAdjFunc(shift), levelOneFunc(0), levelFunc(lanes, 0), levelFunc(lanes, 0, false), levelExitFunc(lanes, 0)];
  if (k > 0) funcs.push(levelOneFunc(k), levelFunc(lanes, k), levelFunc(lanes, k, false), levelExitFunc(lanes, k));
  return emitModule(funcs, 1);
}

/**
 * `scaleAdj(src, cnt, dstA, a, dstB, b)`: dstA[j] = a + (src[j] << shift) and dstB[j] = b + (src[j] << shift),
 * the addresses of vertex src[j]'s rows in the buffers at a and b, for j < cnt rounded up to a multiple of 4
 * (the destinations must have that room; src is read as far).
 */
function scaleAdjFunc(shift: number): FuncDef {
  const [SRC, CNT, DA, A, DB, B] = [0, 1, 2, 3, 4, 5];
  const [END, X, VA, VB] = [6, 7, 8, 9];
  const c = new Code();
  c.get(A).i32x4Splat().set(VA);
  c.get(B).i32x4Splat().set(VB);
  c.get(SRC).get(CNT).i32Const(2).i32Shl().i32Add().set(END);
  c.block();
  c.get(SRC).get(END).i32GeU().brIf(0);
  c.loop();
  c.get(SRC).v128Load().i32Const(shift).i32x4Shl().set(X);
  c.get(DA).get(X).get(VA).i32x4Add().v128Store();
  c.get(DB).get(X).get(VB).i32x4Add().v128Store();
  c.get(DA).i32Const(16).i32Add().set(DA);
  c.get(DB).i32Const(16).i32Add().set(DB);
  c.get(SRC).i32Const(16).i32Add().tee(SRC).get(END).i32LtU().brIf(0);
  c.end().end();
  return { name: 'scaleAdj', params: [I32, I32, I32, I32, I32, I32], results: [], locals: [I32, V128, V128, V128], body: c };
}

/**
 * A block's start, `startBlock(pad, a, n, s0, cnt)`: every row of A becomes the pad row (the
 * 16·lanes bytes at `pad`: ones for the sources the block lacks) and row s0 + i gets bit i, source s0 + i
 * reaching itself. In JS a row-by-row fill costs more than the whole BFS of a 64-node graph. A full
 * block's pad row is zero, and `memory.fill` (the engine's memset) clears the rows in half the time of the
 * vector-store loop (1.1 against 2.4 µs for 64 KiB).
 */
function startBlockFunc(lanes: number, shift: number): FuncDef {
  // params 0..4: pad a n s0 cnt; i32 locals 5..7; v128 locals 8..
  const [PAD, A, N, S0, CNT] = [0, 1, 2, 3, 4];
  const [ROW, END, ADDR] = [5, 6, 7];
  const PV = (i: number) => 8 + i;
  const c = new Code();
  c.block(); // $rows
  c.block(); // $full
  c.get(CNT).i32Const(128 * lanes).i32Eq().brIf(0);
  for (let i = 0; i < lanes; i++) c.get(PAD).v128Load(16 * i).set(PV(i));
  c.get(A).set(ROW);
  c.get(A).get(N).i32Const(shift).i32Shl().i32Add().set(END);
  c.loop();
  for (let i = 0; i < lanes; i++) c.get(ROW).get(PV(i)).v128Store(16 * i);
  c.get(ROW).i32Const(16 * lanes).i32Add().tee(ROW).get(END).i32LtU().brIf(0);
  c.end();
  c.br(1);
  c.end(); // $full
  c.get(A).i32Const(0).get(N).i32Const(shift).i32Shl().memoryFill();
  c.end(); // $rows
  c.i32Const(0).set(ROW); // from here ROW counts the sources i
  c.block().loop();
  c.get(ROW).get(CNT).i32GeU().brIf(1);
  c.get(A).get(S0).get(ROW).i32Add().i32Const(shift).i32Shl().i32Add().get(ROW).i32Const(3).i32ShrU().i32Add().set(ADDR);
  c.get(ADDR).get(ADDR).i32Load8U().i32Const(1).get(ROW).i32Const(7).i32And().i32Shl().i32Or().i32Store8();
  c.get(ROW).i32Const(1).i32Add().set(ROW);
  c.br(0).end().end();
  const locals: ValType[] = [I32, I32, I32, ...Array<ValType>(lanes).fill(V128)];
  return { name: 'startBlock', params: [I32, I32, I32, I32, I32], results: [], locals, body: c };
}

/**
 * The first BFS level of a block without reading rows: `levelOne(off, adj, s0, cnt)` expects A (the buffer
 * `adj` is prescaled for) to hold the block's start (each source's own bit, padding) and sets, in place, for every source s0 + i of
 * the block and every neighbour u of it, bit i of u's row; it returns how many bits turned on (the pairs
 * at distance 1, duplicates and self-loops counted once, as the OR step would). That is cnt·k byte updates
 * instead of n·k row ORs — at (1024, 16) with 512-bit rows 8 192 against 65 536. In place because the
 * step only sets bits: the start rows need no copy. With `k` > 0 the neighbour loop is unrolled for
 * k-regular CSR graphs.
 */
function levelOneFunc(k: number): FuncDef {
  // params 0..3: off adj s0 cnt; i32 locals 4..11
  const [OFF, ADJ, S0, CNT] = [0, 1, 2, 3];
  const [I, P, ENDP, ADDR, M, BYTE, NEW, BI] = [4, 5, 6, 7, 8, 9, 10, 11];
  const c = new Code();
  const update = (at: number) => {
    c.get(P).i32Load(at).get(BI).i32Add().set(ADDR);
    c.get(ADDR).i32Load8U().set(BYTE);
    c.get(NEW).get(BYTE).get(M).i32And().i32Eqz().i32Add().set(NEW);
    c.get(ADDR).get(BYTE).get(M).i32Or().i32Store8();
  };
  if (k > 0) c.get(ADJ).get(S0).i32Const(4 * k).i32Mul().i32Add().set(P);
  c.loop(); // over the block's sources
  c.i32Const(1).get(I).i32Const(7).i32And().i32Shl().set(M);
  c.get(I).i32Const(3).i32ShrU().set(BI); // the source's byte in a row
  if (k > 0) {
    for (let j = 0; j < k; j++) update(4 * j);
    c.get(P).i32Const(4 * k).i32Add().set(P);
  } else {
    c.get(OFF).get(S0).get(I).i32Add().i32Const(2).i32Shl().i32Add().set(ADDR); // &off[s0 + i]
    c.get(ADJ).get(ADDR).i32Load().i32Const(2).i32Shl().i32Add().set(P);
    c.get(ADJ).get(ADDR).i32Load(4).i32Const(2).i32Shl().i32Add().set(ENDP);
    c.block().loop(); // over the source's neighbours
    c.get(P).get(ENDP).i32GeU().brIf(1);
    update(0);
    c.get(P).i32Const(4).i32Add().set(P);
    c.br(0).end().end();
  }
  c.get(I).i32Const(1).i32Add().tee(I).get(CNT).i32LtU().brIf(0);
  c.end();
  c.get(NEW);
  return { name: k > 0 ? 'levelOneReg' : 'levelOne', params: [I32, I32, I32, I32], results: [I32], locals: Array<ValType>(8).fill(I32), body: c };
}

/**
 * The level step. With `k` > 0 the neighbour loop is unrolled for k-regular CSR graphs (offsets v·k; `off`
 * unused). With `self` false (`levelNb`, `levelRegNb`) B[v] is the OR of the neighbours' rows only, without
 * A[v]: from the second level on that is the same row, since every source s that has reached v (within
 * d − 1 ≥ 1 steps) has reached v's neighbour on a shortest path back to s within d − 2, or is v itself and
 * reached every neighbour at step 1 — provided v has a neighbour at all. It saves a row's loads and ORs per
 * vertex, 1 of the 17 rows at (1024, 16).
 */
function levelFunc(lanes: number, k: number, self = true): FuncDef {
  // params 0..4: off adj a b n; i32 locals 5..11; i64 local 12; v128 locals 13..
  const [OFF, ADJ, A, B, N] = [0, 1, 2, 3, 4];
  const [P, ENDP, OFFP, ROWA, ROWB, V, BASE, CNT] = [5, 6, 7, 8, 9, 10, 11, 12];
  const ACC = (i: number) => 13 + i;
  const c = new Code();
  const orNeighbour = (pOff: number) => {
    c.get(P).i32Load(pOff).set(BASE);
    // Unrolled, each neighbour's ORs sit behind a test of its row address against 0, which never holds (rows
    // lie past the CSR arrays): it ends a basic block, so TurboFan cannot schedule all k·lanes loads of a
    // vertex ahead of the ORs — which it does otherwise, and spills them (node --print-wasm-code). With the
    // test a neighbour is 10 instructions (address load, test-and-branch, 4 loads, 4 ORs at 4 vectors).
    if (k > 0) c.block().get(BASE).i32Eqz().brIf(0);
    for (let i = 0; i < lanes; i++) c.get(ACC(i)).get(BASE).v128Load(16 * i).v128Or().set(ACC(i));
    if (k > 0) c.end();
  };
  startRows(c, { OFF, ADJ, A, B, P, OFFP, ROWA, ROWB }, k);
  c.loop(); // over vertices
  if (self) {
    for (let i = 0; i < lanes; i++) c.get(ROWA).v128Load(16 * i).set(ACC(i));
  } else if (k > 0) {
    c.get(P).i32Load().set(BASE); // the first neighbour's row starts the OR
    for (let i = 0; i < lanes; i++) c.get(BASE).v128Load(16 * i).set(ACC(i));
  } else {
    for (let i = 0; i < lanes; i++) c.i64Const(0).i64x2Splat().set(ACC(i));
  }
  if (k > 0) {
    for (let j = self ? 0 : 1; j < k; j++) orNeighbour(4 * j);
    c.get(P).i32Const(4 * k).i32Add().set(P);
  } else {
    c.get(ADJ).get(OFFP).i32Load(4).i32Const(2).i32Shl().i32Add().set(ENDP);
    c.block().loop(); // over neighbours
    c.get(P).get(ENDP).i32GeU().brIf(1);
    orNeighbour(0);
    c.get(P).i32Const(4).i32Add().set(P);
    c.br(0).end().end();
  }
  storeAndCount(c, lanes, ROWB, ACC, CNT);
  nextVertex(c, lanes, { OFFP: k > 0 ? undefined : OFFP, ROWA, ROWB, V, N });
  c.end();
  c.get(CNT).i32WrapI64();
  const locals: ValType[] = [I32, I32, I32, I32, I32, I32, I32, I64, ...Array<ValType>(lanes).fill(V128)];
  return { name: (k > 0 ? 'levelReg' : 'level') + (self ? '' : 'Nb'), params: [I32, I32, I32, I32, I32], results: [I32], locals, body: c };
}

/** Sets the row pointers and the neighbour pointer P (and the offsets pointer, for a general CSR). */
function startRows(c: Code, r: { OFF: number; ADJ: number; A: number; B: number; P: number; OFFP: number; ROWA: number; ROWB: number }, k: number): void {
  c.get(r.A).set(r.ROWA);
  c.get(r.B).set(r.ROWB);
  if (k > 0) {
    c.get(r.ADJ).set(r.P);
  } else {
    c.get(r.OFF).set(r.OFFP);
    c.get(r.ADJ).get(r.OFF).i32Load().i32Const(2).i32Shl().i32Add().set(r.P);
  }
}

/**
 * The level step with an early exit per row, for the late levels of a block: B[v] is the same as in
 * `level`, but the neighbour loop stops as soon as the accumulated row is all ones (every source of the
 * block has reached v), and such a row counts 128·lanes without a popcount. The caller sets the bits of
 * sources a partial block does not have to one in every row, so "complete" is "all ones". Late in a BFS
 * the rows are nearly full — at (1024, 16) a row holds ~98 % of its sources before the last level — and
 * one or two neighbours complete it instead of all k. Early on no row is complete and the test per
 * neighbour is pure overhead, so the evaluator uses this step only once most pairs are reached.
 * With `k` > 0 the neighbour loop is unrolled for k-regular CSR graphs, as in `level`.
 */
function levelExitFunc(lanes: number, k: number): FuncDef {
  // params 0..4: off adj a b n; i32 locals 5..11; i64 local 12; v128 locals 13..
  const [OFF, ADJ, A, B, N] = [0, 1, 2, 3, 4];
  const [P, ENDP, OFFP, ROWA, ROWB, V, BASE, CNT] = [5, 6, 7, 8, 9, 10, 11, 12];
  const ACC = (i: number) => 13 + i;
  const c = new Code();
  /** Pushes 1 when every accumulator is all ones. */
  const complete = () => {
    c.get(ACC(0));
    for (let i = 1; i < lanes; i++) c.get(ACC(i)).v128And();
    c.v128Not().v128AnyTrue().i32Eqz();
  };
  const orNeighbour = (pOff: number) => {
    c.get(P).i32Load(pOff).set(BASE);
    for (let i = 0; i < lanes; i++) c.get(ACC(i)).get(BASE).v128Load(16 * i).v128Or().set(ACC(i));
  };
  startRows(c, { OFF, ADJ, A, B, P, OFFP, ROWA, ROWB }, k);
  c.loop(); // over vertices
  if (k === 0) c.get(ADJ).get(OFFP).i32Load(4).i32Const(2).i32Shl().i32Add().set(ENDP);
  for (let i = 0; i < lanes; i++) c.get(ROWA).v128Load(16 * i).set(ACC(i));
  c.block(); // $next
  c.block(); // $complete
  complete();
  c.brIf(0);
  if (k > 0) {
    for (let j = 0; j < k; j++) {
      orNeighbour(4 * j);
      complete();
      c.brIf(0);
    }
  } else {
    c.block().loop(); // $exhausted, $nb
    c.get(P).get(ENDP).i32GeU().brIf(1);
    orNeighbour(0);
    c.get(P).i32Const(4).i32Add().set(P);
    complete();
    c.brIf(2);
    c.br(0).end().end();
  }
  // Neighbours exhausted, row incomplete: store it and count its bits.
  storeAndCount(c, lanes, ROWB, ACC, CNT);
  c.br(1);
  c.end(); // $complete: every bit set
  for (let i = 0; i < lanes; i++) c.get(ROWB).get(ACC(i)).v128Store(16 * i);
  c.get(CNT).i64Const(128 * lanes).i64Add().set(CNT);
  c.end(); // $next
  if (k > 0) c.get(P).i32Const(4 * k).i32Add().set(P);
  else c.get(ENDP).set(P);
  nextVertex(c, lanes, { OFFP: k > 0 ? undefined : OFFP, ROWA, ROWB, V, N });
  c.end();
  c.get(CNT).i32WrapI64();
  const locals: ValType[] = [I32, I32, I32, I32, I32, I32, I32, I64, ...Array<ValType>(lanes).fill(V128)];
  return { name: k > 0 ? 'levelExitReg' : 'levelExit', params: [I32, I32, I32, I32, I32], results: [I32], locals, body: c };
}

/** Stores the accumulated row at ROWB and adds its popcount to the i64 local CNT. */
export function storeAndCount(c: Code, lanes: number, ROWB: number, ACC: (i: number) => number, CNT: number): void {
  for (let i = 0; i < lanes; i++) {
    c.get(ROWB).get(ACC(i)).v128Store(16 * i);
    c.get(CNT).get(ACC(i)).i64x2ExtractLane(0).i64Popcnt().i64Add();
    c.get(ACC(i)).i64x2ExtractLane(1).i64Popcnt().i64Add().set(CNT);
  }
}

/** Advances the row pointers (and the offsets pointer, if any) to the next vertex; loops while V < N. */
function nextVertex(c: Code, lanes: number, r: { OFFP?: number; ROWA: number; ROWB: number; V: number; N: number }): void {
  if (r.OFFP !== undefined) c.get(r.OFFP).i32Const(4).i32Add().set(r.OFFP);
  c.get(r.ROWA).i32Const(16 * lanes).i32Add().set(r.ROWA);
  c.get(r.ROWB).i32Const(16 * lanes).i32Add().set(r.ROWB);
  c.get(r.V).i32Const(1).i32Add().tee(r.V).get(r.N).i32LtU().brIf(0);
}

/** Largest degree with an unrolled kernel (code size grows as k·lanes). */
export const MAX_UNROLLED_DEGREE = 64;

const modules = new Map<string, WebAssembly.Module | null>();

function moduleFor(lanes: number, k = 0): WebAssembly.Module | null {
  const key = `${lanes},${k}`;
  if (!modules.has(key)) {
    let m: WebAssembly.Module | null = null;
    try {
      if (typeof WebAssembly === 'object') {
        const bytes = buildLevelModule(lanes, k);
        // validate() is false on engines without SIMD; compiling would throw there.
        if (WebAssembly.validate(bytes)) m = new WebAssembly.Module(bytes);
      }
    } catch {
      m = null;
    }
    modules.set(key, m);
  }
  return modules.get(key) ?? null;
}

/** True when this engine can compile the SIMD kernel (Node ≥ 16, current browsers). */
export function wasmKernelAvailable(): boolean {
  return moduleFor(1) !== null;
}

/**
 * A fresh instance with its own memory of at least `bytes` bytes, or null without SIMD support. With
 * `k` in 1..MAX_UNROLLED_DEGREE it also carries `levelReg`, the kernel unrolled for k-regular graphs.
 */
export function instantiateKernel(lanes: number, bytes: number, k = 0): WasmKernelInstance | null {
  const kk = k >= 1 && k <= MAX_UNROLLED_DEGREE ? k : 0;
  const m = moduleFor(lanes, kk);
  if (!m) return null;
  const inst = new WebAssembly.Instance(m, {});
  const memory = inst.exports.memory as WebAssembly.Memory;
  const need = Math.ceil(bytes / 65536) - memory.buffer.byteLength / 65536;
  if (need > 0) memory.grow(need);
  const fn = (name: string) => inst.exports[name] as LevelFn;
  return {
    memory,
    lanes,
    k: kk,
    level: fn('level'),
    levelNb: fn('levelNb'),
    levelExit: fn('levelExit'),
    levelOne: inst.exports.levelOne as LevelOneFn,
    startBlock: inst.exports.startBlock as StartBlockFn,
    scaleAdj: inst.exports.scaleAdj as ScaleAdjFn,
    ...(kk ? { levelOneReg: inst.exports.levelOneReg as LevelOneFn, levelReg: fn('levelReg'), levelRegNb: fn('levelRegNb'), levelExitReg: fn('levelExitReg') } : {}),
  };
}
