/**
 * The two prompt shapes of the experiment commands, both remembering the last answer in globalState
 * (falling back to the default from the settings): a multi-select quick pick over presets with an
 * optional "Other…" entry that asks for values of its own, and an input box for a whole number in a
 * range. O(choices) per prompt.
 */
import * as vscode from 'vscode';
import { parseRatio } from './pruneOptionsPrompt';
import { notePrompt } from './promptLog';

export interface Choice<T> {
  value: T;
  label: string;
  description?: string;
  detail?: string;
}

export interface PickManyOptions<T> {
  title: string;
  placeholder: string;
  choices: Choice<T>[];
  state: vscode.Memento;
  /** globalState key of the last answer. */
  key: string;
  /** Selected when there is no last answer (from the settings). */
  defaults: T[];
  /** An entry that asks for values not among the choices (e.g. "Other ratios…"). */
  other?: { label: string; detail?: string; ask: (current: T[]) => Promise<T[] | undefined> };
  /** Why this selection cannot be accepted (e.g. none picked); undefined when it can. */
  validate?: (values: T[]) => string | undefined;
  /** Present answers in this order (e.g. ascending ratios). */
  order?: (a: T, b: T) => number;
}

type Item<T> = vscode.QuickPickItem & { value?: T; other?: true };

/** The picked values (ordered, unique); undefined when the user backs out. */
export async function pickMany<T extends {}>(o: PickManyOptions<T>): Promise<T[] | undefined> {
  const initial = o.state.get<T[]>(o.key) ?? o.defaults;
  const choices = [...o.choices];
  // A remembered value that is no preset (a custom ratio) stays offered, and selected.
  for (const v of initial) if (!choices.some((c) => c.value === v)) choices.push({ value: v, label: String(v), description: 'last used' });
  const items: Item<T>[] = choices.map((c) => ({ label: c.label, value: c.value, ...(c.description ? { description: c.description } : {}), ...(c.detail ? { detail: c.detail } : {}) }));
  if (o.other) items.push({ label: o.other.label, other: true, ...(o.other.detail ? { detail: o.other.detail } : {}), alwaysShow: true });

  const picked = await new Promise<Item<T>[] | undefined>((resolve) => {
    const qp = vscode.window.createQuickPick<Item<T>>();
    qp.title = o.title;
    qp.placeholder = o.placeholder;
    qp.canSelectMany = true;
    qp.items = items;
    qp.selectedItems = items.filter((i) => i.value !== undefined && initial.includes(i.value));
    notePrompt({ kind: 'quickPick', title: o.title, text: o.placeholder, items: items.map((i) => i.label), active: qp.selectedItems.map((i) => i.label) });
    let done = false;
    qp.onDidAccept(() => {
      const sel = [...qp.selectedItems];
      const values = sel.flatMap((i) => (i.value !== undefined ? [i.value] : []));
      // With "Other…" ticked the check waits until its values are in.
      const problem = sel.some((i) => i.other) ? undefined : o.validate?.(values);
      if (problem) {
        qp.placeholder = problem;
        return;
      }
      done = true;
      resolve(sel);
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
  if (!picked) return undefined;
  let values = picked.flatMap((i) => (i.value !== undefined ? [i.value] : []));
  if (o.other && picked.some((i) => i.other)) {
    const more = await o.other.ask(values);
    if (more === undefined) return undefined;
    values = [...values, ...more];
  }
  values = [...new Set(values)];
  if (o.order) values.sort(o.order);
  const problem = o.validate?.(values);
  if (problem) {
    void vscode.window.showWarningMessage(`RGP: ${problem}`);
    return undefined;
  }
  await o.state.update(o.key, values);
  return values;
}

export interface AskIntegerOptions {
  title: string;
  prompt: string;
  state: vscode.Memento;
  key: string;
  /** Shown when there is no last answer. */
  fallback: number;
  min: number;
  max: number;
}

/** A whole number in [min, max]; undefined when the user backs out. */
export async function askInteger(o: AskIntegerOptions): Promise<number | undefined> {
  const last = o.state.get<number>(o.key);
  const initial = last !== undefined && last >= o.min && last <= o.max ? last : o.fallback;
  const text = await vscode.window.showInputBox({
    title: o.title,
    prompt: o.prompt,
    value: String(initial),
    validateInput: (v) => (parseInteger(v, o.min, o.max) === undefined ? `Enter a whole number from ${o.min} to ${o.max}.` : undefined),
  });
  if (text === undefined) return undefined;
  const n = parseInteger(text, o.min, o.max)!;
  await o.state.update(o.key, n);
  return n;
}

/** Most seeds a prompt offers: each seed multiplies the runs of an experiment. */
export const MAX_SEEDS = 20;

/**
 * How many seeds to run, as consecutive seeds from `rgp.seed`: the spread over them shows what is noise.
 * `why` ends the prompt (what a seed draws in this experiment); undefined when the user backs out.
 */
export async function askSeeds(o: { title: string; why: string; state: vscode.Memento; key: string; fallback: number }): Promise<number[] | undefined> {
  const first = vscode.workspace.getConfiguration('rgp').get<number>('seed', 1);
  const count = await askInteger({
    title: o.title,
    prompt: `Runs per cell, each with its own seed (from rgp.seed = ${first}): ${o.why}`,
    state: o.state,
    key: o.key,
    fallback: o.fallback,
    min: 1,
    max: MAX_SEEDS,
  });
  return count === undefined ? undefined : Array.from({ length: count }, (_, i) => first + i);
}

export function parseInteger(text: string, min: number, max: number): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) return undefined;
  const n = Number(text.trim());
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}

/** "0.9, 95 %, .99" → [0.9, 0.95, 0.99]; undefined when any item is not a fraction strictly in (0, 1). */
export function parseFractionList(text: string): number[] | undefined {
  const parts = text.split(/[,;\s]+(?![%])/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (parts.length === 0) return undefined;
  const values = parts.map((p) => parseRatio(p));
  return values.every((v): v is number => v !== undefined) ? values : undefined;
}

/** Input box for fractions not among the presets ("Other ratios…", "Other sparsities…"). */
export async function askFractions(title: string, prompt: string, what: string): Promise<number[] | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt,
    placeHolder: '0.8, 0.95',
    validateInput: (v) => (parseFractionList(v) === undefined ? `Enter ${what} between 0 and 1 (or 0 % and 100 %), separated by commas.` : undefined),
  });
  return text === undefined ? undefined : parseFractionList(text);
}

/**
 * One value from presets, remembering the last answer (else `fallback`, preselected): Enter keeps it.
 * Undefined when the user backs out. O(choices).
 */
export async function pickOne<T>(o: { title: string; placeholder: string; choices: Choice<T>[]; state: vscode.Memento; key: string; fallback: T }): Promise<T | undefined> {
  const initial = o.state.get<T>(o.key) ?? o.fallback;
  type One = vscode.QuickPickItem & { value: T };
  const items: One[] = o.choices.map((c) => ({ label: c.label, value: c.value, ...(c.description ? { description: c.description } : {}), ...(c.detail ? { detail: c.detail } : {}) }));
  const picked = await new Promise<One | undefined>((resolve) => {
    const qp = vscode.window.createQuickPick<One>();
    qp.title = o.title;
    qp.placeholder = o.placeholder;
    qp.items = items;
    const active = items.find((i) => i.value === initial);
    if (active) qp.activeItems = [active];
    notePrompt({ kind: 'quickPick', title: o.title, text: o.placeholder, items: items.map((i) => i.label), active: active ? [active.label] : [] });
    let done = false;
    qp.onDidAccept(() => {
      done = true;
      resolve(qp.selectedItems[0] ?? qp.activeItems[0]);
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
  if (!picked) return undefined;
  await o.state.update(o.key, picked.value);
  return picked.value;
}
