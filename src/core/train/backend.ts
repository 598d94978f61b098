/**
 * Choosing the tfjs backend: native TensorFlow (`@tensorflow/tfjs-node`) when it is installed, else the
 * WebAssembly backend (XNNPACK, SIMD, one thread), else the plain-JS `cpu` backend. tfjs-node is an
 * optional dependency that often fails to install (its install script downloads libtensorflow), so it is
 * loaded lazily by a require the bundler cannot see: a bundle built without it still runs.
 *
 * Each candidate must pass a 2×2 matMul check before it is reported, so "wasm" in a report means the
 * numbers really came from wasm, not from a backend that initialised and then silently fell back.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { installWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasmKernels';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendOptions {
  /** The first backend to try; the order after it is fixed (tensorflow → wasm → cpu). Default 'tensorflow'. */
  prefer?: BackendName;
  /**
   * Folder holding tfjs-backend-wasm's `.wasm` files. The bundled extension copies them next to the
   * bundle (dist/); when omitted they are resolved from node_modules, and failing that emscripten looks
   * next to the running script.
   */
  wasmDir?: string;
}

export interface BackendInfo {
  name: string;
  simd?: boolean;
  threads?: number;
  /** Backends tried before this one and why each was passed over. */
  skipped?: { name: BackendName; reason: string }[];
  /** Extra kernels registered for training on this backend (wasm: 'rgp-training', see wasmKernels.ts). */
  kernels?: string;
}

const ORDER: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** false until the wasm loader has been configured; then the folder given to it, or null for its default. */
let wasmPathsSet: string | null | false = false;
let tfjsNodeLoaded = false;

/** Selects, initialises and checks a backend; safe to call more than once. */
export async function selectBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  const prefer = opts.prefer ?? 'tensorflow';
  if (!ORDER.includes(prefer)) throw new RangeError(`unknown backend '${String(prefer)}'; use tensorflow, wasm or cpu`);
  const skipped: { name: BackendName; reason: string }[] = [];
  for (const name of ORDER.slice(ORDER.indexOf(prefer))) {
    try {
      const info = await tryBackend(name, opts);
      return skipped.length ? { ...info, skipped } : info;
    } catch (e) {
      skipped.push({ name, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  // The cpu backend ships inside tfjs, so reaching here means tfjs itself is broken.
  throw new Error(`no tfjs backend could be initialised: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

async function tryBackend(name: BackendName, opts: BackendOptions): Promise<BackendInfo> {
  if (name === 'tensorflow') {
    loadTfjsNode();
    await activate('tensorflow');
    return { name: 'tensorflow' };
  }
  if (name === 'wasm') {
    const dir = configureWasmPaths(opts.wasmDir);
    try {
      await activate('wasm');
    } catch (e) {
      const where = dir ? ` (looked for the .wasm files in ${dir})` : '';
      throw new Error(`${(e as Error).message}${where}`);
    }
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    let threads = 1;
    try {
      threads = getThreadsCount();
    } catch {
      // Only thrown before initialisation, which `activate` has just done; keep the default.
    }
    // Stock tfjs-backend-wasm cannot train convolutions and is slow on every matMul gradient.
    installWasmTrainingKernels();
    return { name: 'wasm', simd, threads, kernels: WASM_TRAINING_KERNELS };
  }
  await activate('cpu');
  return { name: 'cpu' };
}

async function activate(name: BackendName): Promise<void> {
  if (!tf.findBackendFactory(name)) throw new Error(`the ${name} backend is not registered`);
  // setBackend reports failure by returning false (and logging), not by throwing.
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`the ${name} backend failed to initialise`);
  await tf.ready();
  checkMatMul(name);
}

function checkMatMul(name: string): void {
  const got = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])).dataSync());
  const want = [19, 22, 43, 50];
  if (got.length !== 4 || want.some((w, i) => Math.abs(got[i]! - w) > 1e-4)) {
    throw new Error(`the ${name} backend computed a wrong matMul ([${Array.from(got).join(', ')}] instead of [${want.join(', ')}])`);
  }
}

function loadTfjsNode(): void {
  if (tfjsNodeLoaded) return;
  const req = nodeRequire();
  if (!req) throw new Error('@tensorflow/tfjs-node needs Node.js');
  // A computed name keeps bundlers from trying to inline the native addon.
  const moduleName = ['@tensorflow', 'tfjs-node'].join('/');
  try {
    req(moduleName);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new Error(code === 'MODULE_NOT_FOUND' ? '@tensorflow/tfjs-node is not installed' : `@tensorflow/tfjs-node did not load: ${(e as Error).message}`);
  }
  tfjsNodeLoaded = true;
}

/** Points the wasm loader at its binaries once per process; returns the folder used, if one was set. */
function configureWasmPaths(wasmDir: string | undefined): string | undefined {
  if (wasmPathsSet !== false) return wasmPathsSet ?? undefined;
  let dir = wasmDir;
  if (dir === undefined) {
    try {
      const entry = nodeRequire()?.resolve('@tensorflow/tfjs-backend-wasm');
      if (entry) dir = entry.slice(0, Math.max(entry.lastIndexOf('/'), entry.lastIndexOf('\\')) + 1);
    } catch {
      // Not resolvable (e.g. a bundle shipped without node_modules): emscripten then looks next to the script.
    }
  }
  if (dir !== undefined) {
    // The loader joins prefix + file name, and in Node reads it with fs; it needs a trailing separator.
    if (!dir.endsWith('/') && !dir.endsWith('\\')) dir += '/';
    setWasmPaths(dir);
  }
  wasmPathsSet = dir ?? null;
  return dir;
}

type Require = ((id: string) => unknown) & { resolve(id: string): string };

function nodeRequire(): Require | undefined {
  if (typeof require === 'function') return require as Require;
  // An ES module has no `require`; build one anchored at the current folder.
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; cwd(): string } }).process;
  const mod = proc?.getBuiltinModule?.('node:module') as { createRequire(path: string): Require } | undefined;
  return mod?.createRequire(`${proc!.cwd()}/noop.js`);
}

/** A short description for logs and reports, e.g. "wasm (SIMD, 1 thread)". */
export function describeBackend(info: BackendInfo): string {
  if (info.name !== 'wasm') return info.name;
  const t = info.threads ?? 1;
  return `wasm (${info.simd ? 'SIMD' : 'no SIMD'}, ${t} thread${t === 1 ? '' : 's'})`;
}
