/**
 * The output rule, one function for every command that writes (prune, train, sweep, sparsify, convert,
 * compact, merge, bench/graph/inspect --out): checked before any search or training time is spent; the
 * atomic writer (src/io/atomicWrite.ts) checks again at the swap. The extension asks its questions
 * (Overwrite / Choose Another Folder…) from the same rule (checkOutputPlace, src/vscode/outputFolder.ts).
 *
 *   - the output is never an input, never contains one, and never lies inside an input folder (inputs:
 *     the model file, its shards, external data, dataset files and folders, edge lists — whatever the job
 *     reads); symbolic links are resolved on both sides;
 *   - it is never the working folder, the home folder or a file-system root, nor a folder containing one;
 *   - an existing non-empty folder (an existing file, for single-file outputs) is replaced only with
 *     `overwrite`, and only when this tool wrote it: a folder carrying the marker file
 *     (src/io/outputMarker.ts), a file that begins `{"format": "rgp-…"`;
 *   - an empty `--out` is refused rather than read as the working folder.
 *
 * Every refusal is one RgpError saying why and what to do. Cost: one realpath per input and a few stats.
 */
import { realpathSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { RgpError } from '../core/errors';
import { carriesMarker, isToolJsonFile, OUTPUT_MARKER } from '../io/outputMarker';

export { OUTPUT_MARKER } from '../io/outputMarker';

export interface OutputRequest {
  /** What the user gave (`--out`); undefined takes `fallback`. */
  out: string | undefined;
  /** The default place when `out` is undefined (e.g. `<model folder>-rgp-<ratio>`). */
  fallback?: string;
  /** Every file or folder the job reads. */
  inputs: readonly string[];
  overwrite: boolean;
  /** A folder of results (the default) or a single file (inspect --out, graph --out). */
  shape?: 'folder' | 'file';
  /** Names the option in messages (default `--out`). */
  flag?: string;
}

/** The real path of `p`, or — when it does not exist yet — of its nearest existing ancestor plus the rest. */
export function realOrPlanned(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let at = abs;
  for (;;) {
    try {
      return path.join(realpathSync(at), ...rest.reverse());
    } catch {
      const up = path.dirname(at);
      if (up === at) return abs;
      rest.push(path.basename(at));
      at = up;
    }
  }
}

const within = (child: string, parent: string): boolean =>
  child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);

/**
 * What is at a permitted output place: nothing (or an empty folder) — `free`; or an earlier output —
 * `taken`, which `overwrite` may replace only when `ours` (this tool wrote it). What prepareOutput decides
 * from it, and what the extension asks about (Overwrite / Choose Another Folder…) before a job starts.
 */
export type OutputPlace = { target: string; taken: false } | { target: string; taken: true; ours: boolean };

/**
 * The part of the rule that does not depend on `overwrite`: throws an RgpError for a place that is never
 * allowed (an input, inside or around one, the working folder, home, a root, an empty name, a file where
 * a folder goes or the reverse), else says whether something is there and whether this tool wrote it.
 * Writes nothing.
 */
export async function checkOutputPlace(req: Omit<OutputRequest, 'overwrite'>): Promise<OutputPlace> {
  const flag = req.flag ?? '--out';
  const shape = req.shape ?? 'folder';
  if (req.out !== undefined && req.out.trim() === '') {
    throw new RgpError('BAD_ARGUMENT', `${flag} is empty.`, `Give the ${shape === 'file' ? 'file' : 'folder'} to write, e.g. ${flag} out/result.`);
  }
  const given = req.out ?? req.fallback;
  if (given === undefined) throw new RgpError('BAD_ARGUMENT', `${flag} is required here.`, `Give the ${shape} to write.`);
  const target = path.resolve(given);
  const real = realOrPlanned(target);
  const targets = [...new Set([target, real])];

  for (const input of req.inputs) {
    const abs = path.resolve(input);
    for (const i of new Set([abs, realOrPlanned(abs)])) {
      for (const t of targets) {
        if (t === i) throw unsafe(`${flag} ${target} is an input of this job (${i}).`);
        if (within(i, t)) throw unsafe(`${flag} ${target} contains an input of this job (${i}).`);
        if (within(t, i)) throw unsafe(`${flag} ${target} lies inside an input of this job (${i}).`);
      }
    }
  }
  const places: Array<[string, string]> = [
    [process.cwd(), 'the working folder'],
    [os.homedir(), 'your home folder'],
  ];
  for (const [place, name] of places) {
    for (const p of new Set([place, realOrPlanned(place)])) {
      for (const t of targets) {
        if (t === p) throw unsafe(`${flag} ${target} is ${name}.`);
        if (within(p, t)) throw unsafe(`${flag} ${target} contains ${name} (${p}).`);
      }
    }
  }
  for (const t of targets) {
    if (path.dirname(t) === t) throw unsafe(`${flag} ${target} is a file-system root.`);
  }

  let st;
  try {
    st = await stat(target);
  } catch {
    return { target, taken: false }; // not there yet: the usual case
  }
  if (shape === 'folder') {
    if (!st.isDirectory()) throw new RgpError('BAD_ARGUMENT', `${flag} ${target} exists and is a file, not a folder.`, `Choose a new output folder (${flag}).`);
    if ((await readdir(target)).length === 0) return { target, taken: false };
    return { target, taken: true, ours: await carriesMarker(target) };
  }
  if (st.isDirectory()) throw new RgpError('BAD_ARGUMENT', `${flag} ${target} is a folder; this output is a file.`, `Give a file path, e.g. ${path.join(given, 'result.json')}.`);
  return { target, taken: true, ours: await isToolJsonFile(target) };
}

/**
 * Checks `req` and returns the absolute output path (not resolved through links: that is where the
 * result will appear). Throws an RgpError for every refusal; writes nothing.
 */
export async function prepareOutput(req: OutputRequest): Promise<string> {
  const flag = req.flag ?? '--out';
  const place = await checkOutputPlace(req);
  if (!place.taken) return place.target;
  const { target } = place;
  if ((req.shape ?? 'folder') === 'folder') {
    if (!req.overwrite) {
      throw new RgpError('BAD_ARGUMENT', `The output folder ${target} already exists and is not empty.`, `Choose another folder with ${flag}, or allow replacing an earlier result (--overwrite).`);
    }
    if (!place.ours) {
      throw unsafe(`${target} was not written by rgp (it has no ${OUTPUT_MARKER}), so --overwrite does not replace it.`, `Choose a new output folder with ${flag}.`);
    }
    return target;
  }
  if (!req.overwrite) {
    throw new RgpError('BAD_ARGUMENT', `${target} already exists.`, `Choose another file with ${flag}, or allow replacing an earlier result (--overwrite).`);
  }
  if (!place.ours) {
    throw unsafe(`${target} was not written by rgp, so --overwrite does not replace it.`, `Choose a new file with ${flag}.`);
  }
  return target;
}

function unsafe(message: string, hint = 'Choose a new output folder beside the input, e.g. the default.'): RgpError {
  return new RgpError('UNSAFE_PATH', message, hint);
}
