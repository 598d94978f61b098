import * as vscode from 'vscode';
import * as path from 'node:path';
import { checkRatio } from '../core/prune/degree';
import type { PruneSummary } from '../core/prune/report';
import type { PruneJobOptions } from '../protocol/worker';
import type { CommandDeps } from './commandDeps';
import { resolveModelUri, shortModelName } from './modelTarget';
import { promptRatio } from './pruneOptionsPrompt';

/**
 * "RGP: Prune Model" on the model the user points at: asks for the ratio (unless given), then the
 * worker plans the masks, searches a low-ASPL regular graph (the view draws its ASPL history live) and
 * writes a new model folder beside the input. Writing files needs a trusted workspace.
 *
 * `given` lets tests and other extensions pass options instead of answering prompts.
 */
export async function pruneModel(
  deps: CommandDeps & { state: vscode.Memento },
  arg?: unknown,
  given?: Partial<PruneJobOptions>,
): Promise<PruneSummary | undefined> {
  try {
    const uri = await resolveModelUri(arg);
    if (!uri) return undefined;
    if (!vscode.workspace.isTrusted) {
      void deps.messages.info('RGP: pruning writes a new model folder, so it needs a trusted workspace. Inspecting works in restricted mode.', 'Manage Workspace Trust').then((a) => {
        if (a) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return undefined;
    }
    const asked = given?.ratio ?? (await promptRatio(deps.state));
    if (asked === undefined) return undefined;
    const ratio = checkRatio(asked);
    const cfg = vscode.workspace.getConfiguration('rgp');
    const options: PruneJobOptions = {
      groups: cfg.get<number>('groups', 64),
      seed: cfg.get<number>('seed', 1),
      searchSeconds: cfg.get<number>('searchSeconds', 5),
      keepFirst: cfg.get<boolean>('keepFirstLayerDense', true),
      keepLast: cfg.get<boolean>('keepLastLayerDense', true),
      selfLoops: cfg.get<boolean>('selfLoops', false),
      ...given,
      ratio,
    };
    const modelPath = uri.fsPath;
    const title = `Prune ${shortModelName(modelPath)} to ${(ratio * 100).toFixed(2)} %`;
    const result = await deps.runInPanel(modelPath, title, { kind: 'prune', modelPath, options });
    if (result?.kind !== 'prune') return undefined;
    const { summary } = result;
    deps.panelFor(modelPath)?.post({ type: 'pruneResult', summary });
    const headline = `${(summary.ratio.achieved * 100).toFixed(1)} % pruned · ASPL ${summary.graph.aspl.toFixed(3)}`;
    deps.jobs.setStatus(`$(graph) RGP: ${headline}`, `${summary.outputPath}\nModel parameters −${(summary.ratio.params * 100).toFixed(1)} %, MACs −${(summary.ratio.macs * 100).toFixed(1)} %`, 'rgp.pruneModel');
    void deps.messages
      .info(`RGP: ${headline} (parameters −${(summary.ratio.params * 100).toFixed(1)} %) → ${path.basename(summary.outputPath)}`, 'Open Report', 'Reveal in Explorer')
      .then((action) => {
        if (action === 'Open Report') void vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(path.join(summary.outputPath, 'report.md')));
        if (action === 'Reveal in Explorer') void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(summary.outputPath));
      });
    return summary;
  } catch (e) {
    deps.messages.error(e);
    return undefined;
  }
}
