/**
 * "RGP: Compare Sparsification": train-and-prune vs sparse training vs RGP's static regular-graph mask
 * on the weight layers of a graph model (arXiv 2209.04766, with RGP arXiv 2110.15192 as the third
 * contender). Asks for the graph (the CollegeMsg / email-Eu-core presets or any edge list + task +
 * labels), the model (MLP on skip-gram embeddings; GCN or GraphSAGE for node classification), the
 * methods, the sparsities, the number of seeds and the epochs — each remembering the last answer and
 * defaulting from `rgp.sparsify.*` — then runs the `sparsify` job (src/jobs/sparsify.ts) in the worker.
 * The RGP view draws accuracy vs sparsity and vs training FLOPs as runs finish; the status bar keeps the
 * best sparse cell; results.json + results.csv are one click away at the end. Not tied to a model file;
 * writes a folder (default `<workspace>/rgp-sparsify/<graph>-<task>-<model>`), so it needs trust.
 * Cost: Σ runs × epochs, plus one random-walk embedding per seed, in the worker.
 *
 * `given` lets tests and other extensions pass options instead of answering prompts.
 */
import { keptRuns, keptRunsText } from './partialResults';
import * as vscode from 'vscode';
import * as path from 'node:path';
import { RgpError } from '../core/errors';
import type { SparsifyMethod, SparsifyModel, SparsifyResult, SparsifyTask } from '../core/sparse/results';
import type { SparsifyJobOptions } from '../protocol/worker';
import { askFractions, askInteger, askSeeds, pickMany, type Choice } from './choicePrompts';
import { describeGiven, pickGraphDataset, type GraphDataset } from './graphDatasetPrompt';
import { chooseOutputFolder } from './outputFolder';
import { offerResults } from './resultActions';
import { bestSparsifyCell, percent, sparsifyHeadline } from './resultHeadlines';
import type { CommandDeps } from './commandDeps';
import { requireTrust } from './workspaceTrust';
import { poolSize } from './poolSize';

export const SPARSITY_PRESETS = [0.5, 0.75, 0.875, 0.9375, 0.96875, 0.984];
const METHOD_CHOICES: Choice<SparsifyMethod>[] = [
  { value: 'dense', label: 'Dense', description: 'baseline', detail: 'No sparsity: the accuracy and FLOPs every method is measured against' },
  { value: 'magnitude', label: 'One-shot magnitude pruning', description: 'train-and-prune', detail: 'Train dense, remove the smallest |w|, retrain with the mask fixed' },
  { value: 'admm', label: 'ADMM train-and-prune', description: 'train-and-prune', detail: 'Dense start, regularised towards its top-|w| sparse copy, hard prune, masked retraining' },
  { value: 'slr', label: 'SLR train-and-prune', description: 'train-and-prune', detail: 'As ADMM, but the multipliers move only when the surrogate optimality condition holds (the study’s method)' },
  { value: 'rigl', label: 'RigL', description: 'sparse training', detail: 'Sparse from the start: drop the smallest |w|, regrow at the largest |gradient|' },
  { value: 'set', label: 'SET', description: 'sparse training', detail: 'Sparse from the start: drop the smallest |w|, regrow at random' },
  { value: 'rgp', label: 'RGP regular-graph mask', description: 'static sparse', detail: 'Block mask of a searched low-ASPL k-regular graph, fixed from the start' },
];
const MODEL_CHOICES: { label: string; detail: string; model: SparsifyModel }[] = [
  { label: 'MLP on skip-gram embeddings', detail: 'The study’s pipeline: temporal random walks → node embeddings → MLP', model: 'mlp' },
  { label: 'GCN', detail: 'Graph convolutional network, full batch (node classification)', model: 'gcn' },
  { label: 'GraphSAGE', detail: 'Mean-aggregator GraphSAGE, full batch (node classification)', model: 'sage' },
];
const MAX_EPOCHS = 2000;

export type SparsifyGiven = Partial<SparsifyJobOptions>;
export type SparsifyDeps = CommandDeps & { state: vscode.Memento };

/** The job's default epochs for a task and model (src/jobs/sparsify.ts). */
export function defaultEpochs(task: SparsifyTask, model: SparsifyModel): number {
  return task === 'link' ? 10 : model === 'mlp' ? 100 : 200;
}

export async function compareSparsification(deps: SparsifyDeps, given: SparsifyGiven = {}): Promise<SparsifyResult | undefined> {
  try {
    if (!requireTrust(deps.messages, 'a sparsification comparison writes its results to a folder')) return undefined;
    deps.jobs.assertIdle();
    const cfg = vscode.workspace.getConfiguration('rgp');
    const title = (what: string) => `RGP: Compare Sparsification — ${what}`;

    const data: GraphDataset | undefined =
      given.dataset !== undefined
        ? describeGiven({ dataset: given.dataset, ...(given.labels ? { labels: given.labels } : {}), ...(given.task ? { task: given.task } : {}), ...(given.dataRoot ? { dataRoot: given.dataRoot } : {}) }, deps.extensionUri)
        : await pickGraphDataset(deps.state, deps.extensionUri);
    if (!data) return undefined;
    if (data.task === 'node' && !data.labels) {
      throw new RgpError('BAD_ARGUMENT', `Node classification on ${path.basename(data.edgesPath)} needs a labels file.`, 'Choose the labels file (`node label` per line), or link prediction.');
    }

    const model = given.model ?? (data.task === 'link' ? 'mlp' : await pickModel(deps.state, cfg.get<SparsifyModel>('sparsify.model', 'mlp')));
    if (model === undefined) return undefined;
    if (data.task === 'link' && model !== 'mlp') throw new RgpError('UNSUPPORTED', `Link prediction runs on the MLP pipeline, not ${model}.`, 'Pick the MLP, or node classification for GCN and GraphSAGE.');

    const methods =
      given.methods ??
      (await pickMany<SparsifyMethod>({
        title: title('methods'),
        placeholder: 'Methods to compare on the weight layers',
        choices: METHOD_CHOICES,
        state: deps.state,
        key: 'rgp.sparsify.lastMethods',
        defaults: cfg.get<SparsifyMethod[]>('sparsify.methods', METHOD_CHOICES.map((c) => c.value)),
        validate: (v) => (v.length === 0 ? 'Pick at least one method.' : undefined),
        order: (a, b) => METHOD_CHOICES.findIndex((c) => c.value === a) - METHOD_CHOICES.findIndex((c) => c.value === b),
      }));
    if (methods === undefined) return undefined;

    const sparse = methods.filter((m) => m !== 'dense');
    const sparsities =
      given.sparsities ??
      (sparse.length === 0
        ? SPARSITY_PRESETS.slice(0, 1)
        : await pickMany<number>({
            title: title('sparsities'),
            placeholder: 'Fractions of the weight layers’ weights removed',
            choices: SPARSITY_PRESETS.map((s) => ({ value: s, label: `${Number((s * 100).toFixed(3))} % sparse`, detail: `${(1 / (1 - s)).toFixed(0)}× fewer weights` })),
            state: deps.state,
            key: 'rgp.sparsify.lastSparsities',
            defaults: cfg.get<number[]>('sparsify.sparsities', SPARSITY_PRESETS),
            other: { label: 'Other sparsities…', ask: () => askFractions(title('other sparsities'), 'Sparsities, comma-separated: fractions (0.8) or percentages (80 %).', 'sparsities') },
            validate: (v) => (v.length === 0 ? 'Pick at least one sparsity.' : undefined),
            order: (a, b) => a - b,
          }));
    if (sparsities === undefined) return undefined;

    const seeds = given.seeds ?? (await askSeeds({ title: title('seeds'), why: 'the seed draws the split, the walks and the weights.', state: deps.state, key: 'rgp.sparsify.lastSeeds', fallback: cfg.get<number>('sparsify.seeds', 3) }));
    if (seeds === undefined) return undefined;

    const epochs =
      given.epochs ??
      (await askInteger({
        title: title('epochs'),
        prompt: `Training epochs per run (Adam); the study uses ${defaultEpochs(data.task, model)} for ${data.task === 'link' ? 'link prediction' : `node classification with the ${model.toUpperCase()}`}.`,
        state: deps.state,
        key: `rgp.sparsify.lastEpochs.${data.task}.${model}`,
        fallback: cfg.get<number | null>('sparsify.epochs', null) ?? defaultEpochs(data.task, model),
        min: 1,
        max: MAX_EPOCHS,
      }));
    if (epochs === undefined) return undefined;

    const name = path.basename(data.edgesPath).replace(/\.(txt|edges|mtx|csv|tsv)?(\.gz)?$/i, '');
    const workspace = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(data.edgesPath)) ?? vscode.workspace.workspaceFolders?.[0];
    const proposedParent = workspace ? path.join(workspace.uri.fsPath, 'rgp-sparsify') : `${path.dirname(data.edgesPath)}-sparsify`;
    const output = await chooseOutputFolder({
      proposed: path.join(proposedParent, `${name}-${data.task}-${model}`),
      ...(given.out !== undefined ? { given: given.out } : {}),
      ...(given.overwrite !== undefined ? { overwrite: given.overwrite } : {}),
      // What the job reads: the edge list and, for node classification, its labels.
      inputs: [data.edgesPath, ...(data.labels ? [data.labels] : [])],
      title: title('output folder'),
    });
    if (!output) return undefined;

    const options: SparsifyJobOptions = {
      ...given,
      dataset: data.dataset,
      task: data.task,
      ...(data.labels ? { labels: data.labels } : {}),
      ...(data.dataRoot ? { dataRoot: data.dataRoot } : {}),
      model,
      methods,
      sparsities,
      seeds,
      epochs,
      out: output.out,
      overwrite: output.overwrite,
    };
    const total = seeds.length * ((methods.includes('dense') ? 1 : 0) + sparse.length * sparsities.length);
    const jobTitle = `Compare sparsification on ${name} (${total} ${total === 1 ? 'run' : 'runs'})`;
    const runs: SparsifyResult['runs'] = [];
    const started = Date.now();
    const { result, panel } = await deps.runInView(data.edgesPath, jobTitle, { kind: 'sparsify', options, workers: poolSize() }, {
      onRecord: (r, p) => {
        if (r.type !== 'sparsifyRun') return;
        runs.push(r.run);
        p.post({ type: 'sparsifyRun', run: r.run });
        deps.jobs.setStatus(`$(sync~spin) RGP: ${sparsifyHeadline(runs, total)}`, `${jobTitle}\nClick to cancel`, 'rgp.cancel');
      },
    });
    if (result?.kind !== 'sparsify') {
      const kept = result === undefined ? await keptRuns(output.out, started) : undefined;
      if (kept) offerResults(deps.messages, keptRunsText('the sparsification comparison was', kept, output.out), kept.files);
      return undefined;
    }
    const res = result.result;
    panel.post({ type: 'sparsifyResult', result: res });
    const headline = sparsifyHeadline(res.runs);
    const best = bestSparsifyCell(res.runs);
    const bestText = best ? `${best.key.method} at ${percent(best.key.sparsity)} sparse: ${percent(best.accuracy)} accuracy (mean of ${best.runs})` : 'no sparse run';
    deps.jobs.setStatus(`$(beaker) RGP: ${headline}`, `${res.dataset} · ${res.task} · ${res.model} · ${res.backend}\nBest: ${bestText}\n${output.out}`, 'rgp.compareSparsification');
    offerResults(deps.messages, `RGP: ${headline} → ${path.basename(output.out)}`, res.files);
    return res;
  } catch (e) {
    deps.messages.error(e);
    return undefined;
  }
}

const LAST_MODEL_KEY = 'rgp.sparsify.lastModel';

async function pickModel(state: vscode.Memento, fallback: SparsifyModel): Promise<SparsifyModel | undefined> {
  const last = state.get<SparsifyModel>(LAST_MODEL_KEY) ?? fallback;
  const items = [...MODEL_CHOICES].sort((a, b) => Number(b.model === last) - Number(a.model === last));
  const pick = await vscode.window.showQuickPick(items, { title: 'RGP: Compare Sparsification — model', placeHolder: 'The network whose weight layers are sparsified' });
  if (!pick) return undefined;
  await state.update(LAST_MODEL_KEY, pick.model);
  return pick.model;
}
