/**
 * The WebAssembly-SIMD level step of the quotient BFS (`asplQuotient.ts` has the algorithm).
 *
 * `level(a, b, arcs, ends, m, g, fullLo, fullHi) → i32`: for every class r < m, B[r] = A[r] | OR over r's
 * arcs (c, δ) of rotr_g(A[c], δ) & full, and it returns the popcount of all of B. A row holds the shift
 * sets of every source as i32 lanes (g ≤ 32, 4 sources a vector) or, in the `wide` module, i64 lanes
 * (g ≤ 64, 2 sources a vector; `full` is fullHi·2³² + fullLo), `vectors` v128 per row, so one rotation
 * serves every source in a vector: the rotation amount depends on the arc only. `arcs` holds (byte offset of A[c] from A, δ) pairs, `ends`
 * the byte address where each class's arcs end. All pointers are byte offsets into the module's memory.
 */
import { storeAndCount } from './asplKernelWasm';
import { Code, emitModule, I32, I64, V128, type FuncDef, type ValType } from './wasmEmit';

export type QuotientLevelFn = (a: number, b: number, arcs: number, ends: number, m: number, g: number, fullLo: number, fullHi: number) => number;

export interface QuotientWasm {
  memory: WebAssembly.Memory;
  level: QuotientLevelFn;
  /** v128 vectors per class row. */
  vectors: number;
  /** 64-bit shift sets (g ≤ 64) rather than 32-bit ones (g ≤ 32). */
  wide: boolean;
}

function levelFunc(vectors: number, wide: boolean): FuncDef {
  // params 0..7: a b arcs ends m g fullLo fullHi; i32 locals 8..14; i64 local 15; v128 locals 16..
  const [A, B, ARCS, ENDS, M, G, FULL_LO, FULL_HI] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [R, P, END, ROWA, ROWB, BASE, SH, CNT] = [8, 9, 10, 11, 12, 13, 14, 15];
  const FULLV = 16;
  const X = 17;
  const ACC = (i: number) => 18 + i;
  const c = new Code();
  if (wide) c.get(FULL_LO).i64ExtendI32U().get(FULL_HI).i64ExtendI32U().i64Const(32).i64Shl().i64Or().i64x2Splat().set(FULLV);
  else c.get(FULL_LO).i32x4Splat().set(FULLV);
  c.get(ARCS).set(P);
  c.get(A).set(ROWA);
  c.get(B).set(ROWB);
  c.loop(); // over classes
  for (let i = 0; i < vectors; i++) c.get(ROWA).v128Load(16 * i).set(ACC(i));
  c.get(ENDS).get(R).i32Const(2).i32Shl().i32Add().i32Load().set(END);
  c.block().loop(); // over the class's arcs
  c.get(P).get(END).i32GeU().brIf(1);
  c.get(A).get(P).i32Load().i32Add().set(BASE);
  c.get(P).i32Load(4).set(SH);
  for (let i = 0; i < vectors; i++) {
    c.get(BASE).v128Load(16 * i).set(X);
    c.get(X).get(SH);
    if (wide) c.i64x2ShrU();
    else c.i32x4ShrU();
    c.get(X).get(G).get(SH).i32Sub();
    if (wide) c.i64x2Shl();
    else c.i32x4Shl();
    c.v128Or().get(FULLV).v128And();
    c.get(ACC(i)).v128Or().set(ACC(i));
  }
  c.get(P).i32Const(8).i32Add().set(P);
  c.br(0).end().end();
  storeAndCount(c, vectors, ROWB, ACC, CNT);
  c.get(ROWA).i32Const(16 * vectors).i32Add().set(ROWA);
  c.get(ROWB).i32Const(16 * vectors).i32Add().set(ROWB);
  c.get(R).i32Const(1).i32Add().tee(R).get(M).i32LtU().brIf(0);
  c.end();
  c.get(CNT).i32WrapI64();
  const locals: ValType[] = [I32, I32, I32, I32, I32, I32, I32, I64, V128, V128, ...Array<ValType>(vectors).fill(V128)];
  return { name: 'level', params: [I32, I32, I32, I32, I32, I32, I32, I32], results: [I32], locals, body: c };
}

const modules = new Map<string, WebAssembly.Module | null>();

/** An instance for rows of `vectors` v128 (of 64-bit sets when `wide`) with at least `bytes` of memory, or null without WebAssembly SIMD. */
export function instantiateQuotientKernel(vectors: number, wide: boolean, bytes: number): QuotientWasm | null {
  const key = `${vectors},${wide}`;
  if (!modules.has(key)) {
    let mod: WebAssembly.Module | null = null;
    try {
      const code = emitModule([levelFunc(vectors, wide)], 1);
      if (typeof WebAssembly === 'object' && WebAssembly.validate(code)) mod = new WebAssembly.Module(code);
    } catch {
      mod = null;
    }
    modules.set(key, mod);
  }
  const mod = modules.get(key);
  if (!mod) return null;
  const inst = new WebAssembly.Instance(mod, {});
  const memory = inst.exports.memory as WebAssembly.Memory;
  const need = Math.ceil(bytes / 65536) - memory.buffer.byteLength / 65536;
  if (need > 0) memory.grow(need);
  return { memory, level: inst.exports.level as QuotientLevelFn, vectors, wide };
}
