/**
 * A tiny WebAssembly binary encoder: just the sections and opcodes the ASPL kernel needs.
 *
 * Why our own: the kernel must load synchronously everywhere (worker thread, CLI, tests run through tsx
 * with no build step, a browser) and we do not commit binaries. Emitting the handful of bytes from code
 * and calling `new WebAssembly.Module(bytes)` meets all of that with no toolchain. The format follows the
 * WebAssembly core specification 2.0 (binary format, chapter 5) and the fixed-width SIMD proposal.
 */

export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof I64 | typeof V128;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 for 32-bit values. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Instruction builder: each method appends one instruction's bytes; `bytes` is the function body. */
export class Code {
  readonly bytes: number[] = [];
  private op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  block(): this { return this.op(0x02, 0x40); }
  loop(): this { return this.op(0x03, 0x40); }
  end(): this { return this.op(0x0b); }
  br(depth: number): this { return this.op(0x0c, ...uleb(depth)); }
  brIf(depth: number): this { return this.op(0x0d, ...uleb(depth)); }
  get(i: number): this { return this.op(0x20, ...uleb(i)); }
  set(i: number): this { return this.op(0x21, ...uleb(i)); }
  tee(i: number): this { return this.op(0x22, ...uleb(i)); }
  i32Load(offset = 0): this { return this.op(0x28, 2, ...uleb(offset)); }
  i32Load8U(offset = 0): this { return this.op(0x2d, 0, ...uleb(offset)); }
  i32Store8(offset = 0): this { return this.op(0x3a, 0, ...uleb(offset)); }
  i32Const(v: number): this { return this.op(0x41, ...sleb(v)); }
  /** i64.const for values in the signed 32-bit range (their 64-bit LEB128 is the same bytes). */
  i64Const(v: number): this { return this.op(0x42, ...sleb(v)); }
  i32Eqz(): this { return this.op(0x45); }
  i32Eq(): this { return this.op(0x46); }
  i32GeU(): this { return this.op(0x4f); }
  i32LtU(): this { return this.op(0x49); }
  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32Shl(): this { return this.op(0x74); }
  i32ShrU(): this { return this.op(0x76); }
  i32And(): this { return this.op(0x71); }
  i32Or(): this { return this.op(0x72); }
  i64Popcnt(): this { return this.op(0x7b); }
  i64Or(): this { return this.op(0x84); }
  i64Shl(): this { return this.op(0x86); }
  i64ExtendI32U(): this { return this.op(0xad); }
  i64Add(): this { return this.op(0x7c); }
  i32WrapI64(): this { return this.op(0xa7); }
  /** Bulk memory (WebAssembly 2.0): fills [dest, dest + size) with a byte; stack: dest value size. */
  memoryFill(): this { return this.op(0xfc, ...uleb(11), 0x00); }
  // SIMD: prefix 0xfd followed by the opcode as unsigned LEB128.
  v128Load(offset = 0): this { return this.op(0xfd, ...uleb(0x00), 4, ...uleb(offset)); }
  v128Store(offset = 0): this { return this.op(0xfd, ...uleb(0x0b), 4, ...uleb(offset)); }
  v128Or(): this { return this.op(0xfd, ...uleb(0x50)); }
  v128And(): this { return this.op(0xfd, ...uleb(0x4e)); }
  v128Not(): this { return this.op(0xfd, ...uleb(0x4d)); }
  v128AnyTrue(): this { return this.op(0xfd, ...uleb(0x53)); }
  i64x2ExtractLane(lane: number): this { return this.op(0xfd, ...uleb(0x1d), lane); }
  i32x4Splat(): this { return this.op(0xfd, ...uleb(0x11)); }
  /** Shifts every i32 lane by the same scalar amount (mod 32). */
  i32x4Shl(): this { return this.op(0xfd, ...uleb(0xab)); }
  i32x4ShrU(): this { return this.op(0xfd, ...uleb(0xad)); }
  i32x4Add(): this { return this.op(0xfd, ...uleb(0xae)); }
  i64x2Splat(): this { return this.op(0xfd, ...uleb(0x12)); }
  /** Shifts every i64 lane by the same scalar amount (mod 64). */
  i64x2Shl(): this { return this.op(0xfd, ...uleb(0xcb)); }
  i64x2ShrU(): this { return this.op(0xfd, ...uleb(0xcd)); }
}

export interface FuncDef {
  name: string;
  params: ValType[];
  results: ValType[];
  /** Extra locals after the params, in order. */
  locals: ValType[];
  body: Code;
}

/** A module with one exported memory ("memory", `pages` × 64 KiB) and the given exported functions. */
export function emitModule(funcs: FuncDef[], pages: number): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec(f.results.map((r) => [r]))]);
  const funcSec = funcs.map((_, i) => uleb(i));
  const memSec = [[0x00, ...uleb(pages)]];
  const exports = [
    [...name('memory'), 0x02, 0x00],
    ...funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
  ];
  const codes = funcs.map((f) => {
    // Group consecutive locals of the same type, as the format wants (count, type) pairs.
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = [...vec(groups.map(([c, t]) => [...uleb(c), t])), ...f.body.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(funcSec)),
    ...section(5, vec(memSec)),
    ...section(7, vec(exports)),
    ...section(10, vec(codes)),
  ]);
}
