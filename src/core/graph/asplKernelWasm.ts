/**
 * The WebAssembly-SIMD level step of the bit-parallel BFS (see `aspl.ts` for the algorithm).
 *
 * One exported function per module, `level(off, adj, a, b, n) → i32`: for every vertex v,
 * B[v] = A[v] | OR_{u ∈ N(v)} A[u] over rows of `lanes` × 128 bits, and it returns Σ_v popcount(B[v]).
 * Rows are v128 vectors, so one OR covers 128 BFS sources; `lanes` > 1 amortises the neighbour-index
 * load over more sources. Pointers are byte offsets into the module's own memory; `off` is the CSR
 * offsets array (n+1 × i32), `adj` the CSR neighbour array.
 *
 * The module bytes are produced by `wasmEmit.ts` at load time and compiled synchronously. If the engine
 * lacks SIMD (validation fails) `wasmKernelAvailable()` is false and callers use the TypeScript kernel.
 */
import { Code, emitModule, I32, I64, V128, type FuncDef, type ValType } from './wasmEmit';

export type LevelFn = (off: number, adj: number, a: number, b: number, n: number) => number;

export interface WasmKernelInstance {
  memory: WebAssembly.Memory;
  level: LevelFn;
  lanes: number;
  /** The degree `levelReg` is unrolled for (0: none). */
  k: number;
  /** The level step for k-regular CSR graphs (offsets v·k), unrolled; `off` is ignored. */
  levelReg?: LevelFn;
}

/**
 * Builds the module bytes of the level kernel for rows of `lanes` v128 vectors (lanes ∈ {1,2,4,8}). With a
 * degree `k` > 0 the module also exports `levelReg`, the same step specialised for k-regular CSR graphs
 * (offsets v·k): the neighbour loop is fully unrolled (k index loads at constant offsets, no offsets array,
 * no loop branch), which is what a C compiler does with a known k — the main gap to the reference C code.
 */
export function buildLevelModule(lanes: number, k = 0): Uint8Array<ArrayBuffer> {
  const shift = Math.log2(16 * lanes);
  if (!Number.isInteger(shift)) throw new Error(`lanes must be a power of two, got ${lanes}`);
  if (!(Number.isInteger(k) && k >= 0 && k <= MAX_UNROLLED_DEGREE)) throw new Error(`k must be an integer in [0, ${MAX_UNROLLED_DEGREE}], got ${k}`);
  const funcs = [levelFunc(lanes, shift)];
  if (k > 0) funcs.push(levelRegFunc(lanes, shift, k));
  return emitModule(funcs, 1);
}

/** Largest degree with an unrolled kernel (code size grows as k·lanes). */
export const MAX_UNROLLED_DEGREE = 64;

function levelRegFunc(lanes: number, shift: number, k: number): FuncDef {
  // params 0..4: off (unused) adj a b n; i32 locals 5..9; i64 local 10; v128 locals 11..
  const [ADJ, A, B, N] = [1, 2, 3, 4];
  const [P, ROWA, ROWB, V, BASE, CNT] = [5, 6, 7, 8, 9, 10];
  const ACC = (i: number) => 11 + i;
  const c = new Code();
  c.get(ADJ).set(P);
  c.get(A).set(ROWA);
  c.get(B).set(ROWB);
  c.loop(); // over vertices
  for (let i = 0; i < lanes; i++) c.get(ROWA).v128Load(16 * i).set(ACC(i));
  for (let j = 0; j < k; j++) {
    c.get(A).get(P).i32Load(4 * j).i32Const(shift).i32Shl().i32Add().set(BASE);
    for (let i = 0; i < lanes; i++) c.get(ACC(i)).get(BASE).v128Load(16 * i).v128Or().set(ACC(i));
  }
  for (let i = 0; i < lanes; i++) {
    c.get(ROWB).get(ACC(i)).v128Store(16 * i);
    c.get(CNT).get(ACC(i)).i64x2ExtractLane(0).i64Popcnt().i64Add();
    c.get(ACC(i)).i64x2ExtractLane(1).i64Popcnt().i64Add().set(CNT);
  }
  c.get(P).i32Const(4 * k).i32Add().set(P);
  c.get(ROWA).i32Const(16 * lanes).i32Add().set(ROWA);
  c.get(ROWB).i32Const(16 * lanes).i32Add().set(ROWB);
  c.get(V).i32Const(1).i32Add().tee(V).get(N).i32LtU().brIf(0);
  c.end();
  c.get(CNT).i32WrapI64();
  const locals: ValType[] = [I32, I32, I32, I32, I32, I64, ...Array<ValType>(lanes).fill(V128)];
  return { name: 'levelReg', params: [I32, I32, I32, I32, I32], results: [I32], locals, body: c };
}

function levelFunc(lanes: number, shift: number): FuncDef {
  // params 0..4: off adj a b n; i32 locals 5..11; i64 local 12; v128 locals 13..
  const [OFF, ADJ, A, B, N] = [0, 1, 2, 3, 4];
  const [P, ENDP, OFFP, ROWA, ROWB, V, BASE, CNT] = [5, 6, 7, 8, 9, 10, 11, 12];
  const ACC = (i: number) => 13 + i;
  const c = new Code();
  c.get(OFF).set(OFFP);
  c.get(A).set(ROWA);
  c.get(B).set(ROWB);
  c.get(ADJ).get(OFF).i32Load().i32Const(2).i32Shl().i32Add().set(P);
  c.loop(); // over vertices
  c.get(ADJ).get(OFFP).i32Load(4).i32Const(2).i32Shl().i32Add().set(ENDP);
  for (let i = 0; i < lanes; i++) c.get(ROWA).v128Load(16 * i).set(ACC(i));
  c.block().loop(); // over neighbours
  c.get(P).get(ENDP).i32GeU().brIf(1);
  c.get(A).get(P).i32Load().i32Const(shift).i32Shl().i32Add().set(BASE);
  for (let i = 0; i < lanes; i++) c.get(ACC(i)).get(BASE).v128Load(16 * i).v128Or().set(ACC(i));
  c.get(P).i32Const(4).i32Add().set(P);
  c.br(0).end().end();
  for (let i = 0; i < lanes; i++) {
    c.get(ROWB).get(ACC(i)).v128Store(16 * i);
    c.get(CNT).get(ACC(i)).i64x2ExtractLane(0).i64Popcnt().i64Add();
    c.get(ACC(i)).i64x2ExtractLane(1).i64Popcnt().i64Add().set(CNT);
  }
  c.get(OFFP).i32Const(4).i32Add().set(OFFP);
  c.get(ROWA).i32Const(16 * lanes).i32Add().set(ROWA);
  c.get(ROWB).i32Const(16 * lanes).i32Add().set(ROWB);
  c.get(V).i32Const(1).i32Add().tee(V).get(N).i32LtU().brIf(0);
  c.end();
  c.get(CNT).i32WrapI64();
  const locals: ValType[] = [I32, I32, I32, I32, I32, I32, I32, I64, ...Array<ValType>(lanes).fill(V128)];
  return { name: 'level', params: [I32, I32, I32, I32, I32], results: [I32], locals, body: c };
}

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
  return { memory, level: inst.exports.level as LevelFn, lanes, k: kk, ...(kk ? { levelReg: inst.exports.levelReg as LevelFn } : {}) };
}
