/**
 * "RGP: Export Compact ONNX" and "RGP: Measure Speed" (issue 13 in VS Code), on a folder written by
 * Prune Model: the explorer argument (the folder or a file in it), else the active editor's or Model
 * Inspector's file when it lies in such a folder, else the last pruning run.
 *
 *  - Export runs the worker's `compact` job (as `rgp compact <folder>` does): model.compact.onnx and its
 *    report beside the pruned model, each masked layer realized in the form timed fastest here. An
 *    earlier compact model in the folder is replaced (it is derived from the folder; the message says so).
 *  - Measure Speed runs the `bench` job (as `rgp bench`): the pruned model (dense ops, zeros stored) and
 *    the compact one in onnxruntime-node in the worker, batch 1 and 64, 1 thread, median of interleaved
 *    runs. It exports the compact model first when the folder has none.
 *
 * Both run in the worker with a cancellable progress notification and add their results to the view of
 * the pruning run (the view keeps that run's sections: HostToWebview `job.continues`). Writing needs a
 * trusted workspace.
 */
import * as vscode from 'vscode';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { RgpError } from '../core/errors';
import { percent } from '../core/percent';
import type { BenchOptions, BenchSummary } from '../jobs/benchModel';
import type { CompactOptions, CompactSummary } from '../jobs/compactModel';
import { activeInspectorUri } from './activeModel';
import type { CommandDeps } from './commandDeps';

export type CompactDeps = CommandDeps & { state: vscode.Memento };

/** The folder of the last pruning run (Prune Model stores it): what the commands act on by default. */
export const LAST_PRUNED_FOLDER_KEY = 'rgp.lastPrunedFolder';
export const COMPACT_FILE = 'model.compact.onnx';

const isFile = (p: string) => stat(p).then((s) => s.isFile(), () => false);
const isDir = (p: string) => stat(p).then((s) => s.isDirectory(), () => false);

interface PrunedRun {
  folder: string;
  /** The pruned model in the folder (model.onnx or model.json). */
  model: string;
  /** The RGP view it belongs to: the view of the model that was pruned, as Prune Model opened it. */
  viewKey: string;
}

/** A folder with masks.json holding the pruned model; undefined when there is no candidate at all. */
async function prunedRun(deps: CompactDeps, arg: unknown): Promise<PrunedRun | undefined> {
  let folder: string | undefined;
  if (arg instanceof vscode.Uri && arg.scheme === 'file') folder = (await isDir(arg.fsPath)) ? arg.fsPath : path.dirname(arg.fsPath);
  if (!folder) {
    const active = vscode.window.activeTextEditor?.document.uri ?? activeInspectorUri();
    if (active?.scheme === 'file' && (await isFile(path.join(path.dirname(active.fsPath), 'masks.json')))) folder = path.dirname(active.fsPath);
  }
  folder ??= deps.state.get<string>(LAST_PRUNED_FOLDER_KEY);
  if (!folder) {
    throw new RgpError('NOT_A_MODEL', 'There is no pruned model to work on yet.', 'Run RGP: Prune Model first, or run this on a pruned folder in the Explorer.');
  }
  if (!(await isFile(path.join(folder, 'masks.json')))) {
    throw new RgpError('NOT_A_MODEL', `${folder} is not a folder written by Prune Model (it has no masks.json).`, 'Run it on the folder Prune Model wrote, or prune the model first.');
  }
  let model: string | undefined;
  for (const name of ['model.onnx', 'model.json', 'model.keras', 'model.h5']) {
    if (await isFile(path.join(folder, name))) {
      model = path.join(folder, name);
      break;
    }
  }
  if (!model) throw new RgpError('NOT_A_MODEL', `${folder} holds no pruned model file.`, 'Prune the model again.');
  let source: unknown;
  try {
    source = (JSON.parse(await readFile(path.join(folder, 'report.json'), 'utf8')) as { modelPath?: unknown }).modelPath;
  } catch {
    // Without report.json the view is the pruned model's own.
  }
  return { folder, model, viewKey: typeof source === 'string' ? source : model };
}

function untrusted(deps: CompactDeps): boolean {
  if (vscode.workspace.isTrusted) return false;
  void deps.messages.info('RGP: exporting and timing a compact model write and run files, so they need a trusted workspace.', 'Manage Workspace Trust').then((a) => {
    if (a) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return true;
}

function size(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`;
}

/** model.compact.report.json beside the compact model, if it is one (a few kB, read on the host). */
async function readCompactReport(compactPath: string): Promise<CompactSummary | undefined> {
  try {
    const r = JSON.parse(await readFile(path.join(path.dirname(compactPath), `${path.basename(compactPath, '.onnx')}.report.json`), 'utf8')) as CompactSummary;
    return r.format === 'rgp-compact-report' && r.outputPath === compactPath ? r : undefined;
  } catch {
    return undefined;
  }
}

/** `given` lets tests and other extensions choose the realization or the tuning batch. */
export async function exportCompact(deps: CompactDeps, arg?: unknown, given: Partial<Pick<CompactOptions, 'form' | 'batch' | 'threads'>> = {}): Promise<CompactSummary | undefined> {
  try {
    if (untrusted(deps)) return undefined;
    const run = await prunedRun(deps, arg);
    if (!run) return undefined;
    deps.jobs.assertIdle();
    const replacing = (await isFile(path.join(run.folder, COMPACT_FILE))) ? ' (replacing the earlier one)' : '';
    const title = `Export compact ONNX of ${path.basename(run.folder)}`;
    const { result, panel } = await deps.runInView(run.viewKey, title, { kind: 'compact', folder: run.folder, options: { ...given, overwrite: true } }, { continues: run.folder });
    if (result?.kind !== 'compact') return undefined;
    const c = result.summary;
    panel.post({ type: 'compactResult', summary: c });
    await deps.state.update(LAST_PRUNED_FOLDER_KEY, run.folder);
    const share = c.bytes.dense !== null ? `${percent(c.bytes.compact / c.bytes.dense)} of the dense file` : `${percent(c.bytes.compactOverMasked)} of the pruned file`;
    deps.jobs.setStatus(`$(package) RGP: compact ${size(c.bytes.compact)} · ${share}`, c.outputPath, 'rgp.measureSpeed');
    void deps.messages
      .info(`compact model written${replacing}: ${path.basename(run.folder)}/${path.basename(c.outputPath)}, ${size(c.bytes.compact)} (${share}), ${c.parameters.stored.toLocaleString('en-US')} weights stored.`, 'Measure Speed', 'Reveal in Explorer')
      .then((action) => {
        if (action === 'Measure Speed') void vscode.commands.executeCommand('rgp.measureSpeed', vscode.Uri.file(run.folder));
        if (action === 'Reveal in Explorer') void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(c.outputPath));
      });
    return c;
  } catch (e) {
    deps.messages.error(e);
    return undefined;
  }
}

/** `given` lets tests and other extensions choose batches, threads and repeats (defaults: batch 1 and 64, 1 thread). */
export async function measureSpeed(deps: CompactDeps, arg?: unknown, given: Partial<Pick<BenchOptions, 'batches' | 'threads' | 'repeats' | 'warmup'>> = {}): Promise<BenchSummary | undefined> {
  try {
    if (untrusted(deps)) return undefined;
    const run = await prunedRun(deps, arg);
    if (!run) return undefined;
    deps.jobs.assertIdle();
    const compactPath = path.join(run.folder, COMPACT_FILE);
    if (!(await isFile(compactPath)) && !(await exportCompact(deps, vscode.Uri.file(run.folder)))) return undefined;
    const title = `Measure speed of ${path.basename(run.folder)}: pruned vs compact`;
    const options: BenchOptions = { batches: [1, 64], threads: [1], warmup: 2, repeats: 7, ...given, compact: compactPath };
    const { result, panel } = await deps.runInView(run.viewKey, title, { kind: 'bench', modelPath: run.model, options }, { continues: run.folder });
    if (result?.kind !== 'bench') return undefined;
    const b = result.summary;
    // The sizes beside the timings: the compact model's report (written with it; small) when the view lacks them.
    const report = await readCompactReport(compactPath);
    if (report) panel.post({ type: 'compactResult', summary: report });
    panel.post({ type: 'benchResult', summary: b });
    const largest = [...b.runs].sort((p, q) => q.batch - p.batch)[0];
    if (largest?.speedup != null && largest.compactMs !== null) {
      const threads = largest.threads === 'all' ? 'all cores' : `${largest.threads} thread${largest.threads === 1 ? '' : 's'}`;
      void deps.messages.info(
        `the compact model runs at ${largest.speedup.toFixed(2)}× the speed of the pruned one at batch ${largest.batch}, ${threads}: ${largest.compactMs.toFixed(2)} ms vs ${largest.denseMs.toFixed(2)} ms (median, measured here).`,
      );
    }
    return b;
  } catch (e) {
    deps.messages.error(e);
    return undefined;
  }
}
