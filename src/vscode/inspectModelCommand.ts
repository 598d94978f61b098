import type { ModelSummary } from '../core/model/layerSummary';
import type { CommandDeps } from './commandDeps';
import { formatCount, resolveModelUri, shortModelName } from './modelTarget';

/**
 * "RGP: Inspect Model": the model's layers, weight shapes and parameters in the RGP view beside the
 * editor. Read-only, so it works in untrusted workspaces. Resolves to the summary, or undefined when
 * cancelled or failed (failures are shown to the user, never thrown back into VS Code).
 */
export async function inspectModel(deps: CommandDeps, arg?: unknown): Promise<ModelSummary | undefined> {
  try {
    const uri = await resolveModelUri(arg);
    if (!uri) return undefined;
    const modelPath = uri.fsPath;
    const title = `Inspect ${shortModelName(modelPath)}`;
    const result = await deps.runInPanel(modelPath, title, { kind: 'inspect', modelPath });
    if (result?.kind !== 'inspect') return undefined;
    const { summary } = result;
    deps.panelFor(modelPath)?.post({ type: 'modelSummary', modelPath, summary });
    deps.jobs.setStatus(`RGP: ${summary.layers.length} layers · ${formatCount(summary.totalParams)} params`, modelPath, 'rgp.inspectModel');
    return summary;
  } catch (e) {
    deps.messages.error(e);
    return undefined;
  }
}
