/**
 * Where a command writes its results folder, decided before any search or training time is spent, by
 * the one output rule of every job (src/jobs/outputFolder.ts — the job applies it again in the worker):
 * never an input (a TF.js model's folder, a single-file model, a dataset, an edge list), never inside or
 * around one, never the working folder, home or a root; an existing non-empty folder only with overwrite,
 * and only one RGP wrote. Here the rule only decides what to ask: when the proposed default folder holds
 * something, Overwrite (offered only for RGP's own earlier result) or Choose Another Folder…; a folder the
 * caller handed in is checked, never asked about. The rule's messages reach the user through
 * UserMessages, which words them for the editor (cliWords.forEditor: no CLI flags).
 * O(entries of the folder) for the emptiness check.
 */
import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { isRgpError } from '../core/errors';
import { checkOutputPlace, prepareOutput } from '../jobs/outputFolder';
import { forEditor } from './cliWords';

/** `base`, else `base-2`, `base-3`, … : the first name that is not there yet. */
export async function nextFreeFolder(base: string): Promise<string> {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    if (!(await stat(candidate).then(() => true, () => false))) return candidate;
  }
}

export interface OutputChoice {
  out: string;
  overwrite: boolean;
}

/**
 * `given` is the caller's own folder (checked, never asked about); otherwise `proposed`, with the user
 * asked when it already holds something. `inputs` are what the job reads (as for prepareOutput).
 * Undefined when the user backs out; an RgpError when the rule refuses the folder.
 */
export async function chooseOutputFolder(o: { proposed: string; given?: string; overwrite?: boolean; inputs: readonly string[]; title: string }): Promise<OutputChoice | undefined> {
  const overwrite = o.overwrite === true;
  if (o.given !== undefined || overwrite) {
    // Nothing to ask: the caller chose the folder, or already allowed replacing it. The rule decides.
    return { out: await prepareOutput({ out: o.given ?? o.proposed, inputs: o.inputs, overwrite }), overwrite };
  }
  const place = await checkOutputPlace({ out: o.proposed, inputs: o.inputs });
  if (!place.taken) return { out: place.target, overwrite: false };
  const out = place.target;
  // Only a folder RGP wrote (it carries the marker) may be replaced; anything else gets a new name.
  const action = await vscode.window.showWarningMessage(
    `${path.basename(out)} already exists.`,
    {
      modal: true,
      detail: place.ours
        ? `${out} holds earlier results. Overwriting replaces them when the new run finishes; cancelling the run keeps them.`
        : `${out} was not written by RGP, so it is never replaced. Choose another folder for the results.`,
    },
    ...(place.ours ? ['Overwrite', 'Choose Another Folder…'] : ['Choose Another Folder…']),
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
      try {
        const p = await checkOutputPlace({ out: v.trim(), inputs: o.inputs });
        return p.taken ? 'That folder is not empty; choose a new one.' : undefined;
      } catch (e) {
        if (isRgpError(e)) return forEditor(e.message);
        throw e;
      }
    },
  });
  return text === undefined ? undefined : { out: path.resolve(text.trim()), overwrite: false };
}
