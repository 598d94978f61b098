/**
 * "RGP: Show Graph Structure": the regular graph of a model drawn in the RGP view beside the editor.
 *  - A pruning run's output (masks.json + graph.json beside model.json): the graph it was pruned with,
 *    read from graph.json (readRunGraph; small, read on the host).
 *  - Any other model: asks for the ratio and the node count n (defaults from the settings; n is checked
 *    against the layers pruning would mask), maps the ratio to k as pruning does (degreeForRatio), and
 *    searches the graph in the worker (`graph` job) — the view draws the ASPL history live, then the
 *    topology. The search is budgeted in swaps (rgp.searchSwaps, time only a cap), so the same n, k and
 *    seed give the graph `RGP: Prune Model` uses, on any machine.
 * Nothing is written, so this works in restricted mode. After "RGP: Prune Model" the run's graph is
 * posted the same way (postRunTopology).
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { RgpError } from '../core/errors';
import { buildLayerGraph } from '../core/model/layerGraph';
import { checkRatio, degreeForRatio } from '../core/prune/degree';
import { planPruning } from '../core/prune/plan';
import type { PruneSummary } from '../core/prune/report';
import { isPrunedFolder, readRunGraph, type GraphStructure } from '../jobs/graphStructure';
import { readModelJson } from '../io/modelFolder';
import type { TopologyGraph } from '../protocol/webview';
import { resolveModelTarget } from './activeModel';
import type { CommandDeps } from './commandDeps';
import { ModelPanel } from './modelPanel';
import { shortModelName } from './modelTarget';
import { promptRatio } from './pruneOptionsPrompt';
import { notePrompt } from './promptLog';
import { pruneSettings } from './pruneSettings';
import { percent } from '../core/percent';

export interface ShowGraphOptions {
  ratio: number;
  groups: number;
  seed: number;
  /** Time cap of the search (seconds). */
  searchSeconds: number;
  /** Swap budget of the search (deterministic). */
  searchSwaps: number;
}

export type ShowGraphDeps = CommandDeps & {
  state: vscode.Memento;
  /** Registers a panel this command had to open (its messages reach the API like the others'). */
  watchPanel: (p: ModelPanel) => void;
  /** Every topology posted to a view, for the API. */
  onTopology: (modelPath: string, graph: TopologyGraph) => void;
};

const LAST_GROUPS_KEY = 'rgp.lastGraphGroups';
/** The largest graph Show Graph draws for a model it cannot read on the host (a binary format). */
const MAX_GRAPH_NODES = 4096;

/**
 * `given` lets tests and other extensions pass the options instead of answering prompts. Resolves to the
 * graph shown, or undefined when cancelled or failed (failures are shown, never thrown into VS Code).
 */
export async function showGraph(deps: ShowGraphDeps, arg?: unknown, given?: Partial<ShowGraphOptions>): Promise<TopologyGraph | undefined> {
  try {
    const uri = await resolveModelTarget(arg);
    if (!uri) return undefined;
    const modelPath = uri.fsPath;
    if (await isPrunedFolder(path.dirname(modelPath))) {
      const g = await readRunGraph(path.dirname(modelPath));
      const panel = ModelPanel.show(deps.extensionUri, modelPath, deps.watchPanel);
      return show(deps, panel, modelPath, topology(g, `pruned with this graph${g.seed !== null ? ` · seed ${g.seed}` : ''}`));
    }

    const cfg = vscode.workspace.getConfiguration('rgp');
    // What pruning would mask decides which n fit. A TF.js model.json alone (no weights) tells it; a binary
    // model (.onnx, .keras, .h5) is never parsed on the extension host, so there n is bounded only by the
    // graph itself (pruning checks it against the layers when it runs).
    const binary = !modelPath.toLowerCase().endsWith('.json');
    let maxGroups = MAX_GRAPH_NODES;
    if (!binary) {
      const layers = buildLayerGraph(await readModelJson(modelPath), { validate: false });
      const plan = planPruning(layers, {
        groups: 2,
        keepFirst: cfg.get<boolean>('keepFirstLayerDense', true),
        keepLast: cfg.get<boolean>('keepLastLayerDense', true),
        keepDense: [],
      });
      maxGroups = Math.min(...plan.targets.map((t) => Math.min(t.cIn, t.cOut)));
    }

    deps.jobs.assertIdle();
    const asked =
      given?.ratio ??
      (await promptRatio(deps.state, {
        title: 'RGP: Show Graph Structure — pruning ratio (the graph’s degree k)',
        placeholder: 'The ratio pruning would use: it decides the degree k of the graph drawn (nothing is written)',
      }));
    if (asked === undefined) return undefined;
    const ratio = checkRatio(asked);
    const n = given?.groups ?? (await promptGroups(deps.state, cfg.get<number | null>('groups', null) ?? Math.min(64, maxGroups), maxGroups));
    if (n === undefined) return undefined;
    checkGroups(n, maxGroups);
    const { k, achievedRatio } = degreeForRatio(ratio, n, cfg.get<boolean>('selfLoops', false));
    const settings = pruneSettings(uri);
    const seed = given?.seed ?? settings.seed ?? 1;
    const searchSeconds = given?.searchSeconds ?? settings.searchSeconds ?? 30;
    const searchSwaps = given?.searchSwaps ?? (given?.searchSeconds !== undefined ? undefined : settings.searchSwaps);

    const title = `Graph for ${shortModelName(modelPath)}: n = ${n}, k = ${k}`;
    const searchChains = settings.searchChains ?? 1;
    const result = await deps.runInPanel(modelPath, title, { kind: 'graph', n, k, seed, searchSeconds, ...(searchSwaps !== undefined ? { searchSwaps } : {}), ...(searchChains > 1 ? { searchChains } : {}) });
    if (result?.kind !== 'graph') return undefined;
    const panel = deps.panelFor(modelPath);
    const g = result.graph;
    const budget = g.stoppedBy === 'bound' ? 'search stopped at the Moore bound' : searchSwaps !== undefined ? `${g.swapsTried ?? searchSwaps} swaps${g.stoppedBy === 'time-cap' ? ` (time cap ${searchSeconds} s hit)` : ''}` : `searched ${searchSeconds} s`;
    const label = `not pruned: the graph pruning would use · ${budget} · seed ${seed} · prunes ${percent(achievedRatio)} of the masked layers`;
    return panel ? show(deps, panel, modelPath, topology(result.graph, label)) : undefined;
  } catch (e) {
    deps.messages.error(e);
    return undefined;
  }
}

/** After "RGP: Prune Model": the run's graph in the same view. Best effort — the run itself succeeded. */
export async function postRunTopology(deps: ShowGraphDeps, modelPath: string, summary: PruneSummary): Promise<void> {
  const panel = deps.panelFor(modelPath);
  if (!panel) return;
  try {
    const g = await readRunGraph(summary.outputPath);
    const t = topology(g, `pruned with this graph · seed ${summary.graph.seed}`);
    panel.post({ type: 'topology', graph: t });
    deps.onTopology(modelPath, t);
  } catch {
    // The report, the status bar and the message already show the graph's numbers.
  }
}

function show(deps: ShowGraphDeps, panel: ModelPanel, modelPath: string, t: TopologyGraph): TopologyGraph {
  panel.post({ type: 'topology', graph: t });
  deps.onTopology(modelPath, t);
  deps.jobs.setStatus(`$(type-hierarchy) RGP: n ${t.n} · k ${t.k} · ASPL ${t.aspl.toFixed(3)}`, `${modelPath}\n${t.label}`, 'rgp.showGraph');
  return t;
}

function topology(g: GraphStructure, label: string): TopologyGraph {
  return { n: g.n, k: g.k, adjacency: g.adjacency, aspl: g.aspl, label };
}

function checkGroups(n: number, maxGroups: number): void {
  if (!Number.isInteger(n) || n < 2 || n > maxGroups) {
    throw new RgpError(
      'BAD_ARGUMENT',
      `The node count n must be an integer from 2 to ${maxGroups} for this model, got ${n}.`,
      `Each masked layer's channels are split into n groups, so n is at most the narrowest masked layer's channel count (${maxGroups}).`,
    );
  }
}

async function promptGroups(state: vscode.Memento, fallback: number, maxGroups: number): Promise<number | undefined> {
  const last = state.get<number>(LAST_GROUPS_KEY);
  const initial = Math.min(last ?? fallback, maxGroups);
  notePrompt({ kind: 'inputBox', title: 'RGP: Show Graph Structure — node count n', value: String(initial) });
  const text = await vscode.window.showInputBox({
    title: 'RGP: Show Graph Structure — node count n',
    prompt: `Channel groups per layer side, the graph's nodes (RGP uses 64); at most ${maxGroups} for this model.`,
    value: String(initial),
    validateInput: (v) => {
      const n = Number(v.trim());
      return Number.isInteger(n) && n >= 2 && n <= maxGroups ? undefined : `Enter a whole number from 2 to ${maxGroups}.`;
    },
  });
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  await state.update(LAST_GROUPS_KEY, n);
  return n;
}
