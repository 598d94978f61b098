/**
 * The marker file every output folder of this tool carries (`.rgp-output.json`: tool, version, job kind).
 * `--overwrite` replaces only a folder that carries it, so a folder the user made — a dataset, a model,
 * their home — can never be taken for an old result and deleted. Reading the marker is O(1): a stat and
 * at most 64 KiB of JSON.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export const OUTPUT_MARKER = '.rgp-output.json';
export const TOOL_NAME = 'rgp';
export const TOOL_VERSION = '0.1.0';

/** What the marker says; `job` is the command that wrote the folder (prune, train, sweep, sparsify, …). */
export interface OutputMarker {
  format: 'rgp-output';
  tool: typeof TOOL_NAME;
  version: string;
  job: string;
}

export function markerJson(job: string): string {
  const m: OutputMarker = { format: 'rgp-output', tool: TOOL_NAME, version: TOOL_VERSION, job };
  return JSON.stringify(m) + '\n';
}

export async function writeMarker(dir: string, job: string): Promise<void> {
  await fs.writeFile(path.join(dir, OUTPUT_MARKER), markerJson(job));
}

/** True when `dir` holds a marker file this tool wrote (a regular file, small, with the right format). */
export async function carriesMarker(dir: string): Promise<boolean> {
  const file = path.join(dir, OUTPUT_MARKER);
  try {
    const st = await fs.lstat(file);
    if (!st.isFile() || st.size > 64 * 1024) return false;
    const m = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<OutputMarker>;
    return m !== null && typeof m === 'object' && m.format === 'rgp-output' && m.tool === TOOL_NAME;
  } catch {
    return false;
  }
}

/**
 * True when the file at `file` is a JSON result this tool wrote: it begins `{"format": "rgp-…"` (only the
 * first 4 KiB are read). The marker of a single-file output (inspect --out, graph --out), which has no
 * folder to hold a marker file.
 */
export async function isToolJsonFile(file: string): Promise<boolean> {
  let handle;
  try {
    const st = await fs.lstat(file);
    if (!st.isFile()) return false;
    handle = await fs.open(file, 'r');
    const head = new Uint8Array(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return /^\s*\{\s*"format"\s*:\s*"rgp-[a-z-]+"/.test(Buffer.from(head.subarray(0, bytesRead)).toString('utf8'));
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}
