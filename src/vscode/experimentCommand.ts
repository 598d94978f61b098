/**
 * "RGP: Run Ratio Experiment": how far can this model be pruned, and does the graph matter? Asks for the
 * dataset, the ratios, the graph kinds (searched low-ASPL, random, ring lattice; dense baseline), the
 * number of seeds and the epochs — each prompt remembering the last answer, defaulting from `rgp.experiment.*`
 * — then runs the `sweep` job (src/jobs/sweep.ts: every ratio × graph × seed trained with the mask fixed,
 * RGP's recipe, arXiv 2110.15192 §4) in the worker. The RGP view of the model draws accuracy vs ratio and
 * vs ASPL as runs finish; the status bar keeps the best cell; at the end results.json + results.csv are
 * one click away. Writes a folder (default `<model folder>-sweep`), so it needs a trusted workspace.
 * Cost: Σ runs × epochs × one pass over the training set, in the worker.
 *
 * `given` lets tests and other extensions pass options instead of answering prompts.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { checkRatio, degreeForRatio } from '../core/prune/degree';
import type { GraphKind, SweepResult } from '../core/train/results';
import type { SweepJobOptions } from '../protocol/worker';
import { resolveModelTarget } from './activeModel';
import { askFractions, pickOne, askInteger, askSeeds, pickMany, type Choice } from './choicePrompts';
import { pickDataset, workspaceRelative } from './datasetPrompt';
import { chooseOutputFolder } from './outputFolder';
import { shortModelName } from './modelTarget';
import { offerResults } from './resultActions';
import { bestSweepCell, percent, sweepHeadline } from './resultHeadlines';
import type { CommandDeps } from './commandDeps';
import { requireTrust } from './workspaceTrust';
import { keptRuns, keptRunsText } from './partialResults';
import { poolSize } from './poolSize';

type MaskGraph = Exclude<GraphKind, 'dense'>;
type GraphChoice = MaskGraph | 'dense';

export const RATIO_PRESETS = [0.5, 0.75, 0.875, 0.9375, 0.96875];
const GRAPH_CHOICES: Choice<GraphChoice>[] = [
  { value: 'searched', label: 'Searched low-ASPL graph', description: 'RGP', detail: 'A random k-regular graph improved by edge swaps towards the Moore bound' },
  { value: 'random', label: 'Random regular graph', detail: 'Drawn uniformly, not searched' },
  { value: 'ring', label: 'Ring lattice', detail: 'Each node joined to its k nearest on a circle: the worst ASPL, the baseline' },
  { value: 'dense', label: 'Dense baseline', detail: 'Also train the unmasked model once per seed' },
];
const MAX_EPOCHS = 1000;

export type ExperimentDeps = CommandDeps & { state: vscode.Memento };

export async function runExperiment(deps: ExperimentDeps, arg?: unknown, given: Partial<SweepJobOptions> = {}): Promise<SweepResult | undefined> {
  try {
    const uri = await resolveModelTarget(arg);
    if (!uri) return undefined;
    if (!requireTrust(deps.messages, 'a ratio experiment writes its results to a folder')) return undefined;
    deps.jobs.assertIdle();
    const modelPath = uri.fsPath;
    const cfg = vscode.workspace.getConfiguration('rgp');
    // n: the setting when given, else RGP's 64 (the experiment's per-ratio table is read at one n).
    const groups = given.groups ?? cfg.get<number | null>('groups', null) ?? 64;
    const title = (what: string) => `RGP: Run Ratio Experiment — ${what}`;

    const dataset = given.dataset ?? (await pickDataset(deps.state, cfg.get<string>('experiment.dataset') || undefined));
    if (dataset === undefined) return undefined;

    const ratios =
      given.ratios ??
      (await pickMany<number>({
        title: title('pruning ratios'),
        placeholder: `Ratios to compare at n = ${groups}`,
        choices: RATIO_PRESETS.map((r) => ({ value: r, label: `${percent(r)} pruned`, detail: degreeDetail(r, groups) })),
        state: deps.state,
        key: 'rgp.experiment.lastRatios',
        defaults: cfg.get<number[]>('experiment.ratios', [0.875, 0.9375]),
        other: {
          label: 'Other ratios…',
          ask: () => askFractions(title('other ratios'), 'Pruning ratios, comma-separated: fractions (0.8) or percentages (80 %).', 'ratios'),
        },
        validate: (v) => (v.length === 0 ? 'Pick at least one ratio.' : undefined),
        order: (a, b) => a - b,
      }));
    if (ratios === undefined) return undefined;
    ratios.forEach((r) => checkRatio(r));

    let graphs = given.graphs;
    let dense = given.dense;
    if (graphs === undefined) {
      const picked = await pickMany<GraphChoice>({
        title: title('graphs'),
        placeholder: 'Graph kinds to compare at every ratio',
        choices: GRAPH_CHOICES,
        state: deps.state,
        key: 'rgp.experiment.lastGraphs',
        defaults: [...cfg.get<MaskGraph[]>('experiment.graphs', ['searched', 'ring']), ...(cfg.get<boolean>('experiment.dense', true) ? ['dense' as const] : [])],
        validate: (v) => (v.some((g) => g !== 'dense') ? undefined : 'Pick at least one graph kind besides the dense baseline.'),
        order: (a, b) => GRAPH_CHOICES.findIndex((c) => c.value === a) - GRAPH_CHOICES.findIndex((c) => c.value === b),
      });
      if (picked === undefined) return undefined;
      graphs = picked.filter((g): g is MaskGraph => g !== 'dense');
      dense ??= picked.includes('dense');
    }

    const seeds = given.seeds ?? (await askSeeds({ title: title('seeds'), why: 'the spread over seeds shows what is noise.', state: deps.state, key: 'rgp.experiment.lastSeeds', fallback: cfg.get<number>('experiment.seeds', 3) }));
    if (seeds === undefined) return undefined;

    const epochs =
      given.epochs ??
      (await askInteger({
        title: title('epochs'),
        prompt: 'Training epochs per run (from scratch with the mask fixed, SGD with a cosine learning rate).',
        state: deps.state,
        key: 'rgp.experiment.lastEpochs',
        fallback: cfg.get<number>('experiment.epochs', 10),
        min: 1,
        max: MAX_EPOCHS,
      }));
    if (epochs === undefined) return undefined;

    // The dataset size, asked with the dataset: all of it, or a quick look (the setting
    // rgp.experiment.datasetLimit preselected). A caller that hands in the dataset gets the setting.
    const settingLimit = cfg.get<number>('experiment.datasetLimit', 0);
    const limit =
      given.datasetLimit ??
      (given.dataset !== undefined ? settingLimit : await pickOne<number>({
        title: title('examples'),
        placeholder: 'How much of the dataset each run trains and tests on',
        choices: [...new Set([0, 1000, 5000, settingLimit])].map((v) => ({
          value: v,
          label: v === 0 ? 'All examples' : `${v.toLocaleString('en-US')} per part`,
          ...(v === 1000 ? { description: 'a quick look' } : {}),
          ...(v === settingLimit ? { detail: 'rgp.experiment.datasetLimit' } : {}),
        })),
        state: deps.state,
        key: 'rgp.experiment.lastDatasetLimit',
        fallback: settingLimit,
      }));
    if (limit === undefined) return undefined;

    const modelDir = path.dirname(modelPath);
    const output = await chooseOutputFolder({
      proposed: `${modelDir}-ratio-experiment`,
      ...(given.out !== undefined ? { given: given.out } : {}),
      ...(given.overwrite !== undefined ? { overwrite: given.overwrite } : {}),
      // The model's folder (model.json + shards) and the dataset spec or file handed in.
      inputs: [modelDir, ...(typeof dataset === 'string' ? [workspaceRelative(dataset)] : [])],
      title: title('output folder'),
    });
    if (!output) return undefined;

    const options: SweepJobOptions = {
      groups,
      keepFirst: cfg.get<boolean>('keepFirstLayerDense', true),
      keepLast: cfg.get<boolean>('keepLastLayerDense', true),
      searchSwaps: cfg.get<number>('experiment.searchSwaps', 50_000),
      ...(limit > 0 ? { datasetLimit: limit } : {}),
      ...given,
      dataset: typeof dataset === 'string' ? workspaceRelative(dataset) : dataset,
      ratios,
      graphs,
      dense: dense ?? false,
      seeds,
      epochs,
      out: output.out,
      overwrite: output.overwrite,
    };
    const total = seeds.length * (ratios.length * graphs.length + (options.dense ? 1 : 0));
    const jobTitle = `Ratio experiment on ${shortModelName(modelPath)} (${total} ${total === 1 ? 'run' : 'runs'})`;
    const runs: SweepResult['runs'] = [];
    const started = Date.now();
    const { result, panel } = await deps.runInView(modelPath, jobTitle, { kind: 'sweep', modelPath, options, workers: poolSize() }, {
      onStart: (p) => p.post({ type: 'sweepStart', ratios, graphs: options.dense ? ['dense', ...graphs] : graphs, seeds }),
      onRecord: (r, p) => {
        if (r.type !== 'sweepRun') return;
        runs.push(r.run);
        p.post({ type: 'sweepRun', run: r.run });
        deps.jobs.setStatus(`$(sync~spin) RGP: ${sweepHeadline(runs, total)}`, `${jobTitle}\nClick to cancel`, 'rgp.cancel');
      },
    });
    if (result?.kind !== 'sweep') {
      const kept = result === undefined ? await keptRuns(output.out, started) : undefined;
      if (kept) offerResults(deps.messages, keptRunsText('the ratio experiment was', kept, output.out), kept.files);
      return undefined;
    }
    const sweep = result.result;
    panel.post({ type: 'sweepResult', result: sweep });
    const headline = sweepHeadline(sweep.runs);
    const best = bestSweepCell(sweep.runs);
    const bestText = best ? `${best.key.graph} graph at ${percent(best.key.ratio)} pruned: ${percent(best.accuracy)} test accuracy (mean of ${best.runs})` : 'no pruned run';
    deps.jobs.setStatus(`$(beaker) RGP: ${headline}`, `${sweep.modelPath} on ${sweep.dataset}\nBest: ${bestText}\n${path.dirname(sweep.files[0] ?? output.out)}`, 'rgp.runExperiment');
    offerResults(deps.messages, `RGP: ${headline}${best ? ` (${best.key.graph} graph)` : ''} → ${path.basename(output.out)}`, sweep.files);
    return sweep;
  } catch (e) {
    deps.messages.error(e);
    return undefined;
  }
}

function degreeDetail(ratio: number, n: number): string {
  try {
    const d = degreeForRatio(ratio, n, false);
    return `k = ${d.k} of n = ${n}${Math.abs(d.achievedRatio - ratio) > 1e-9 ? ` (achieves ${percent(d.achievedRatio)})` : ''}`;
  } catch {
    return `not feasible at n = ${n}`;
  }
}
