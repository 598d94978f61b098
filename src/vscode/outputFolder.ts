/**
 * Where an experiment writes its results folder, decided before any training time is spent, with the
 * rule of `RGP: Prune Model`: never the input folder, a folder containing it or a folder inside it; an
 * existing non-empty folder only with overwrite. Asked interactively (overwrite, or another name) only
 * when the folder is the default; a folder handed in by the caller is checked, never asked about.
 * O(entries of the folder) for the emptiness check.
 */
import * as vscode from 'vscode';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { RgpError } from '../core/errors';
import { carriesMarker } from '../io/outputMarker';

export type FolderState = 'missing' | 'empty' | 'non-empty' | 'file';

export async function folderState(p: string): Promise<FolderState> {
  const s = await stat(p).catch(() => undefined);
  if (!s) return 'missing';
  if (!s.isDirectory()) return 'file';
  return (await readdir(p)).length > 0 ? 'non-empty' : 'empty';
}

const within = (child: string, parent: string) => child === parent || child.startsWith(parent + path.sep);

/** Why `out` may not hold results of a job reading `inputDir`, or undefined when it may. */
export function unsafeOutput(out: string, inputDir: string): string | undefined {
  const o = path.resolve(out);
  const i = path.resolve(inputDir);
  if (within(i, o)) return `The output folder ${o} would replace the input folder ${i}.`;
  if (within(o, i)) return `The output folder ${o} is inside the input folder ${i}, which RGP never writes into.`;
  return undefined;
}

export function checkOutputPlace(out: string, inputDir: string): void {
  const problem = unsafeOutput(out, inputDir);
  if (problem) throw new RgpError('UNSAFE_PATH', problem, 'Choose an output folder beside the input, e.g. the default.');
}

/** `base`, else `base-2`, `base-3`, … : the first name that is not there yet. */
export async function nextFreeFolder(base: string): Promise<string> {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    if ((await folderState(candidate)) === 'missing') return candidate;
  }
}

export interface OutputChoice {
  out: string;
  overwrite: boolean;
}

/**
 * `given` is the caller's own folder (checked, never asked about); otherwise `proposed`, with the user
 * asked when it already holds something. Undefined when the user backs out.
 */
export async function chooseOutputFolder(o: { proposed: string; given?: string; overwrite?: boolean; inputDir: string; title: string }): Promise<OutputChoice | undefined> {
  const out = path.resolve(o.given ?? o.proposed);
  checkOutputPlace(out, o.inputDir);
  const state = await folderState(out);
  if (state === 'file') throw new RgpError('BAD_ARGUMENT', `${out} exists and is a file, not a folder.`, 'Choose a new output folder.');
  if (state !== 'non-empty' || o.overwrite === true) return { out, overwrite: o.overwrite === true };
  if (o.given !== undefined) {
    throw new RgpError('BAD_ARGUMENT', `The output folder ${out} already exists and is not empty.`, 'Choose another folder, or allow overwriting it.');
  }
  // Only a folder RGP wrote (it carries the marker) may be replaced; anything else gets a new name.
  const ours = await carriesMarker(out);
  const action = await vscode.window.showWarningMessage(
    `${path.basename(out)} already exists.`,
    {
      modal: true,
      detail: ours
        ? `${out} holds earlier results. Overwriting replaces them when the new run finishes; cancelling the run keeps them.`
        : `${out} was not written by RGP, so it is never replaced. Choose another folder for the results.`,
    },
    ...(ours ? ['Overwrite', 'Choose Another Folder…'] : ['Choose Another Folder…']),
  );
  if (action === 'Overwrite') return { out, overwrite: true };
  if (action !== 'Choose Another Folder…') return undefined;
  const suggestion = await nextFreeFolder(out);
  const text = await vscode.window.showInputBox({
    title: o.title,
    prompt: 'A new folder for the results (created when the run finishes).',
    value: suggestion,
    valueSelection: [path.dirname(suggestion).length + 1, suggestion.length],
    validateInput: async (v) => {
      if (!v.trim() || !path.isAbsolute(v.trim())) return 'Enter an absolute folder path.';
      const p = path.resolve(v.trim());
      const unsafe = unsafeOutput(p, o.inputDir);
      if (unsafe) return unsafe;
      const s = await folderState(p);
      if (s === 'file') return 'That is a file.';
      if (s === 'non-empty') return 'That folder is not empty; choose a new one.';
      return undefined;
    },
  });
  return text === undefined ? undefined : { out: path.resolve(text.trim()), overwrite: false };
}
