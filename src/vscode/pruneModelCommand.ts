import * as vscode from 'vscode';
import * as path from 'node:path';
import { RgpError } from '../core/errors';
import type { ModelSummary } from '../core/model/layerSummary';
import type { JobService } from './jobService';
import { ModelPanel } from './modelPanel';
import type { UserMessages } from './userMessages';

export interface PruneModelDeps {
  extensionUri: vscode.Uri;
  jobs: JobService;
  messages: UserMessages;
  onPanelCreated: (p: ModelPanel) => void;
}

/**
 * "RGP: Prune Model" on the model the user points at (explorer/editor-title argument, else the active
 * editor, else a file picker). The job runs in the worker; the RGP view opens beside the editor at once
 * and follows the job. Resolves to the model summary, or undefined when cancelled or failed — failures
 * are shown to the user, never thrown back into VS Code.
 */
export async function pruneModel(deps: PruneModelDeps, arg?: vscode.Uri): Promise<ModelSummary | undefined> {
  try {
    const uri = await resolveModelUri(arg);
    if (!uri) return undefined;
    const modelPath = uri.fsPath;
    let created = false;
    const panel = ModelPanel.show(deps.extensionUri, modelPath, (p) => {
      created = true;
      deps.onPanelCreated(p);
    });
    const title = `Prune ${path.basename(path.dirname(modelPath))}/${path.basename(modelPath)}`;
    panel.post({ type: 'job', title, state: 'running' });
    try {
      const result = await deps.jobs.run(title, { kind: 'inspect', modelPath }, {
        onProgress: (p) => panel.post({ type: 'progress', ...p }),
      });
      if (!result) {
        panel.post({ type: 'job', title, state: 'cancelled', message: 'Cancelled; nothing was written.' });
        return undefined;
      }
      const { summary } = result;
      panel.post({ type: 'modelSummary', modelPath, summary });
      panel.post({ type: 'job', title, state: 'done' });
      deps.jobs.setStatus(`RGP: ${summary.layers.length} layers · ${formatCount(summary.totalParams)} params`, modelPath, 'rgp.pruneModel');
      return summary;
    } catch (e) {
      // A view opened only for this job has nothing to show: the error message says it all.
      if (created) panel.dispose();
      else panel.post({ type: 'job', title, state: 'failed', message: errorText(e) });
      throw e;
    }
  } catch (e) {
    deps.messages.error(e);
    return undefined;
  }
}

async function resolveModelUri(arg: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  const candidate = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (candidate) {
    if (candidate.scheme !== 'file')
      throw new RgpError('UNSUPPORTED', `RGP reads models from files on disk; ${candidate.toString()} is not one.`, 'Save the model to a folder first.');
    return candidate;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Prune',
    title: 'RGP: choose a TF.js model.json',
    filters: { 'TF.js layers model': ['json'] },
  });
  return picked?.[0];
}

function errorText(e: unknown): string {
  return e instanceof RgpError ? e.userMessage : e instanceof Error ? e.message : String(e);
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 1 : 2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)} k`;
  return String(n);
}
