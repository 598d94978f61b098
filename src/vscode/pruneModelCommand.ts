import * as vscode from 'vscode';
import * as path from 'node:path';
import { checkRatio } from '../core/prune/degree';
import type { ModelSummary } from '../core/model/layerSummary';
import type { PruneSummary } from '../core/prune/report';
import type { PruneJobOptions } from '../protocol/worker';
import type { CommandDeps } from './commandDeps';
import { LAST_PRUNED_FOLDER_KEY } from './compactCommand';
import type { ModelProblems } from './modelProblems';
import { resolveModelUri, shortModelName } from './modelTarget';
import { chooseOutputFolder } from './outputFolder';
import { pruneHeadline, type NonzeroCounts } from './pruneHeadline';
import { promptRatio } from './pruneOptionsPrompt';
import { pruneOutputName, pruneSettings } from './pruneSettings';

export type PruneDeps = CommandDeps & { state: vscode.Memento; problems: ModelProblems };

/**
 * "RGP: Prune Model" on the model the user points at: checks the model first (a broken one is reported
 * in the Problems panel and by an error with "Open model.json", before any prompt), asks for the ratio
 * (unless given), picks an output folder named by the settings (an existing one: Overwrite or Choose
 * Another Folder…), then the worker plans the masks, searches a low-ASPL regular graph (the view draws its
 * ASPL history live) and writes the new model folder beside the input. Writing needs a trusted workspace.
 *
 * `given` lets tests and other extensions pass options instead of answering prompts.
 */
export async function pruneModel(deps: PruneDeps, arg?: unknown, given?: Partial<PruneJobOptions>): Promise<PruneSummary | undefined> {
  try {
    const uri = await resolveModelUri(arg);
    if (!uri) return undefined;
    if (!vscode.workspace.isTrusted) {
      void deps.messages.info('RGP: pruning writes a new model folder, so it needs a trusted workspace. Inspecting works in restricted mode.', 'Manage Workspace Trust').then((a) => {
        if (a) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return undefined;
    }
    deps.jobs.assertIdle();
    if (!(await deps.problems.checkBeforePrompt(uri, deps.messages))) return undefined;
    const settings = pruneSettings(uri);
    const keepFirst = given?.keepFirst ?? settings.keepFirst;
    const keepLast = given?.keepLast ?? settings.keepLast;
    const dense = [keepFirst ? 'first' : '', keepLast ? 'last' : ''].filter((x) => x);
    // Short enough for the quick pick's placeholder: which layers stay dense is said here and in the result.
    const denseNote = dense.length ? `${dense.join(' and ')} layer${dense.length > 1 ? 's stay' : ' stays'} dense` : 'every layer masked';
    const asked =
      given?.ratio ??
      (await promptRatio(deps.state, {
        title: `RGP: Prune Model — pruning ratio${deps.problems.isPruned(uri) ? ' (this model is already pruned)' : ''}`,
        placeholder: `Weights removed in masked layers (${denseNote})`,
      }));
    if (asked === undefined) return undefined;
    const ratio = checkRatio(asked);
    const options: PruneJobOptions = { ...settings, ...given, ratio };
    const modelPath = uri.fsPath;
    const output = await chooseOutputFolder({
      proposed: pruneOutputName(modelPath, options),
      ...(given?.out !== undefined ? { given: given.out } : {}),
      ...(given?.overwrite !== undefined ? { overwrite: given.overwrite } : {}),
      // A TF.js model is its whole folder (model.json + shards); a single-file model (.onnx, .keras, .h5)
      // is the file alone, so its output may sit beside it in the same folder.
      inputs: [path.extname(modelPath).toLowerCase() === '.json' ? path.dirname(modelPath) : modelPath],
      title: 'RGP: Prune Model — output folder',
    });
    if (!output) return undefined;
    options.out = output.out;
    options.overwrite = output.overwrite;

    const title = `Prune ${shortModelName(modelPath)} to ${(ratio * 100).toFixed(2)} %`;
    const result = await deps.runInPanel(modelPath, title, { kind: 'prune', modelPath, options });
    if (result?.kind !== 'prune') return undefined;
    const { summary } = result;
    deps.panelFor(modelPath)?.post({ type: 'pruneResult', summary });
    const head = pruneHeadline(summary, await nonzeroCounts(deps, modelPath, summary));
    deps.jobs.setStatus(head.status, head.tooltip, 'rgp.pruneModel');
    const first = head.dense.find((d) => d.role === 'first');
    const maskFirst = first && first.share > 0.2 ? 'Mask First Layer Too' : undefined;
    // Every format's prune compacts (TF.js and Keras through their exact ONNX conversion).
    const exportCompact = 'Export Compact ONNX';
    await deps.state.update(LAST_PRUNED_FOLDER_KEY, summary.outputPath);
    void deps.messages
      .info(`${head.message} → ${path.basename(summary.outputPath)}`, 'Open Report', exportCompact, 'Reveal in Explorer', ...(maskFirst ? [maskFirst] : []))
      .then((action) => {
        if (action === 'Open Report') void vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(path.join(summary.outputPath, 'report.md')));
        if (action === exportCompact) void vscode.commands.executeCommand('rgp.exportCompact', vscode.Uri.file(summary.outputPath));
        if (action === 'Reveal in Explorer') void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(summary.outputPath));
        // Dismissed (undefined) never matches an action that was not offered (undefined).
        if (maskFirst && action === maskFirst) void vscode.commands.executeCommand('rgp.pruneModel', uri, { ...given, ratio, keepFirst: false, out: undefined, overwrite: undefined });
      });
    return summary;
  } catch (e) {
    deps.messages.error(e, errorActions(e));
    return undefined;
  }
}

/** Nonzero parameters in the input and the output files (an already-pruned input is not dense); best effort. */
async function nonzeroCounts(deps: PruneDeps, modelPath: string, s: PruneSummary): Promise<NonzeroCounts | undefined> {
  const nonzero = (m: ModelSummary) => m.layers.reduce((sum, l) => sum + l.params * (1 - (l.zeroFraction ?? 0)), 0);
  try {
    const [a, b] = [await deps.jobs.runQuiet({ kind: 'inspect', modelPath }), await deps.jobs.runQuiet({ kind: 'inspect', modelPath: path.join(s.outputPath, path.basename(modelPath)) })];
    if (a.kind !== 'inspect' || b.kind !== 'inspect') return undefined;
    return { before: Math.round(nonzero(a.summary)), after: Math.round(nonzero(b.summary)), total: a.summary.totalParams };
  } catch {
    return undefined;
  }
}

/** The action that helps with a pruning error: the settings that decide which layers are masked and n. */
function errorActions(e: unknown): { label: string; run: () => unknown }[] {
  const text = e instanceof Error ? e.message : '';
  if (/groups|node count|masked|dense/i.test(text)) return [{ label: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'rgp.') }];
  return [];
}
