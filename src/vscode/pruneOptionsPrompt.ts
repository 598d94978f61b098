import * as vscode from 'vscode';
import { percent } from '../core/percent';
import { notePrompt } from './promptLog';

const LAST_RATIO_KEY = 'rgp.lastRatio';

/** RGP's usual operating points at n = 64 (the paper's k = 4, 6, 8 and the ImageNet k = 16). */
const PRESETS = [
  { ratio: 0.9375, detail: 'k = 4 of n = 64 · the paper’s most aggressive setting' },
  { ratio: 0.90625, detail: 'k = 6 of n = 64' },
  { ratio: 0.875, detail: 'k = 8 of n = 64' },
  { ratio: 0.75, detail: 'k = 16 of n = 64 · the paper’s ImageNet setting' },
];

const pct = percent;

/** RGP's headline setting (k = 4 of n = 64), preselected when there is no last answer. */
export const DEFAULT_RATIO = 0.9375;

export interface RatioPromptOptions {
  /** The prompt's title: each command asks in its own words ("RGP: Prune Model — pruning ratio"). */
  title: string;
  /** What the ratio applies to, shown as the placeholder (e.g. which layers stay dense). */
  placeholder?: string;
}

/** Asks for the pruning ratio (remembering the last choice); undefined when the user backs out. */
export async function promptRatio(state: vscode.Memento, o: RatioPromptOptions = { title: 'RGP: Prune Model — pruning ratio' }): Promise<number | undefined> {
  const last = state.get<number>(LAST_RATIO_KEY);
  type Item = vscode.QuickPickItem & { ratio?: number };
  const items: Item[] = PRESETS.map((p) => ({ label: `${pct(p.ratio)} pruned`, detail: p.detail, ratio: p.ratio }));
  if (last !== undefined && !PRESETS.some((p) => p.ratio === last)) items.unshift({ label: `${pct(last)} pruned`, detail: 'last used', ratio: last });
  items.push({ label: 'Other ratio…' });
  // With no last answer, RGP's own setting is preselected (never "Other ratio…": Enter must just work).
  const active = items.find((i) => i.ratio !== undefined && i.ratio === (last ?? DEFAULT_RATIO));
  const pick = await new Promise<Item | undefined>((resolve) => {
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = o.title;
    qp.placeholder = o.placeholder ?? 'Fraction of weights to remove in the masked layers';
    qp.items = items;
    if (active) qp.activeItems = [active];
    notePrompt({ kind: 'quickPick', title: o.title, text: qp.placeholder, items: items.map((i) => i.label), active: active ? [active.label] : [] });
    qp.onDidAccept(() => {
      resolve(qp.selectedItems[0]);
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
  if (!pick) return undefined;
  let ratio = pick.ratio;
  if (ratio === undefined) {
    notePrompt({ kind: 'inputBox', title: o.title, value: last !== undefined ? String(last) : '0.9' });
    const text = await vscode.window.showInputBox({
      title: o.title,
      prompt: 'A fraction between 0 and 1 (0.9 or 90 %); the nearest feasible degree k is used and the exact ratio reported.',
      value: last !== undefined ? String(last) : '0.9',
      validateInput: (v) => (parseRatio(v) === undefined ? 'Enter a number between 0 and 1, or a percentage between 0 % and 100 %.' : undefined),
    });
    if (text === undefined) return undefined;
    ratio = parseRatio(text);
  }
  if (ratio !== undefined) await state.update(LAST_RATIO_KEY, ratio);
  return ratio;
}

/** "0.9", ".9", "90 %", "90%" → 0.9; anything outside (0, 1) → undefined. */
export function parseRatio(text: string): number | undefined {
  const m = /^\s*([0-9]*\.?[0-9]+)\s*(%?)\s*$/.exec(text);
  if (!m) return undefined;
  const v = Number(m[1]) / (m[2] ? 100 : 1);
  return v > 0 && v < 1 ? v : undefined;
}
