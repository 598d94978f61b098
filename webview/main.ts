/**
 * The RGP webview: draws what the extension sends (src/protocol/webview.ts) and reports back what it
 * drew. Its state (the last summary, pruning run, graph, experiment results and job) is saved with
 * setState, so a reloaded panel redraws without asking the host. Views are sections with headings,
 * shown as their data arrives and listed in a jump-to nav for keyboard readers.
 */
import { WEBVIEW_PROTOCOL_VERSION, type HostToWebview, type WebviewState } from '../src/protocol/webview';
import { bytes, compact, plural } from './format';
import { drawLayerParamsChart } from './layerParamsChart';
import { drawLayerTable } from './layerTable';
import { drawAsplHistory, type AsplPoint } from './asplHistoryChart';
import { bestKnownAspl } from '../src/core/graph/bestKnown';
import { drawPruneStats, drawPruneTable } from './pruneViews';
import { drawSparsityChart } from './sparsityChart';
import { host, onHostMessage } from './vscodeApi';
import { createTopologyView, type TopologyLayout } from './topologyView';
import { drawExperiment, type SweepView } from './experimentCharts';
import { drawSparsify, type SparsifyView } from './sparsifyCharts';
import { drawBench, drawCompact } from './compactView';

const app = document.getElementById('app')!;
app.innerHTML = `
  <header><h1 id="title">RGP</h1><p id="subtitle" class="muted"></p></header>
  <nav id="views" class="views" aria-label="Views" hidden></nav>
  <section id="job" class="job" hidden>
    <div class="job-line"><span id="job-title"></span> <span id="job-state" class="badge"></span></div>
    <progress id="job-progress" max="1"></progress>
    <div id="job-message" class="muted"></div>
  </section>
  <section id="totals" class="totals" hidden></section>
  <section id="prune-section" data-nav="Pruned model" aria-labelledby="prune-heading" hidden>
    <h2 id="prune-heading">Pruned model</h2>
    <div id="prune-stats" class="totals"></div>
    <p id="prune-output" class="muted"></p>
    <div class="view-actions"><button id="export-compact" type="button" title="Write model.compact.onnx into the pruned folder: the masked layers stored with only their kept weights, in standard ONNX">Export Compact ONNX</button></div>
  </section>
  <section id="compact-section" data-nav="Compact ONNX" aria-labelledby="compact-heading" hidden>
    <h2 id="compact-heading">Compact ONNX model</h2>
    <p id="compact-output" class="muted"></p>
    <div id="compact-stats" class="totals"></div>
    <div id="compact-chart"></div>
    <div class="view-actions"><button id="measure-speed" type="button" title="Time the pruned model and its compact form with onnxruntime on this machine (batch 1 and 64, 1 thread)">Measure Speed</button></div>
    <p id="bench-summary" class="muted"></p>
    <div id="bench-table"></div>
    <details class="runs"><summary>How each masked layer is stored</summary><div id="compact-layers"></div></details>
  </section>
  <section id="topology-section" data-nav="Graph" aria-labelledby="topology-heading" hidden>
    <h2 id="topology-heading">Regular graph</h2>
    <div id="topology-view"></div>
  </section>
  <section id="aspl-section" data-nav="ASPL search" aria-labelledby="aspl-heading" hidden>
    <h2 id="aspl-heading">ASPL of the regular graph during the search</h2>
    <div id="aspl-chart"></div>
  </section>
  <section id="sparsity-section" data-nav="Per-layer sparsity" aria-labelledby="sparsity-heading" hidden>
    <h2 id="sparsity-heading">Parameters per layer, dense and pruned</h2>
    <div id="sparsity-chart"></div>
    <div id="prune-table"></div>
  </section>
  <section aria-labelledby="params-heading" id="params-section" data-nav="Parameters" hidden>
    <h2 id="params-heading">Parameters per layer</h2>
    <div id="params-chart"></div>
  </section>
  <section id="layers-section" hidden><div id="layers-table"></div></section>
  <section id="experiment-section" data-nav="Ratio experiment" aria-labelledby="experiment-heading" hidden>
    <h2 id="experiment-heading">Ratio experiment</h2>
    <p id="experiment-subtitle" class="muted"></p>
    <h3 id="experiment-ratio-heading">Accuracy against the pruning ratio</h3>
    <div id="experiment-ratio-chart"></div>
    <div id="experiment-ratio-table"></div>
    <h3 id="experiment-aspl-heading">Accuracy against the ASPL of the graph</h3>
    <div id="experiment-aspl-chart"></div>
    <details class="runs"><summary>Every run behind this chart</summary><div id="experiment-aspl-table"></div></details>
  </section>
  <section id="sparsify-section" data-nav="Sparsification" aria-labelledby="sparsify-heading" hidden>
    <h2 id="sparsify-heading">Sparsification compared</h2>
    <p id="sparsify-subtitle" class="muted"></p>
    <h3>Accuracy against sparsity</h3>
    <div id="sparsify-sparsity-chart"></div>
    <h3>Accuracy against training FLOPs</h3>
    <div id="sparsify-flops-chart"></div>
    <div id="sparsify-table"></div>
  </section>`;

const $ = (id: string) => document.getElementById(id)!;
const saved = host.getState();
let state: WebviewState = saved?.version === WEBVIEW_PROTOCOL_VERSION ? saved : { version: WEBVIEW_PROTOCOL_VERSION };
/** The running search: its Moore bound and the samples so far (not saved: the final history is). */
let search: { mooreBound?: number; bestKnown?: number; points: AsplPoint[] } = { points: [] };

/** The best-known ASPL for (n, k) (Graph Golf), when there is one to cite and it is above the Moore bound. */
function bestKnownFor(n: number | undefined, k: number | undefined, mooreBound: number | undefined): { bestKnown?: number } {
  const b = n !== undefined && k !== undefined ? bestKnownAspl(n, k) : null;
  return b && (mooreBound === undefined || b.aspl > mooreBound + 1e-9) ? { bestKnown: b.aspl } : {};
}
/** The sweep and sparsification drawn now: a finished result, or the runs of a live job so far. */
let sweep: SweepView | null = null;
let sparsify: (SparsifyView & { done: boolean }) | null = null;

const topology = createTopologyView($('topology-view'), (layout, r) => {
  state = { ...state, topologyLayout: layout };
  host.setState(state);
  host.postMessage({ type: 'rendered', view: 'topology', items: r.items, labels: r.labels });
});

/** Shows a section and lists it in the jump-to nav (in page order). */
function showSection(id: string): void {
  $(id).hidden = false;
  const nav = $('views');
  const visible = Array.from(app.querySelectorAll<HTMLElement>('section[aria-labelledby]')).filter((sec) => !sec.hidden);
  nav.hidden = visible.length < 2;
  nav.replaceChildren(
    ...visible.map((sec) => {
      const a = document.createElement('a');
      a.href = `#${sec.id}`;
      a.textContent = sec.dataset.nav ?? document.getElementById(sec.getAttribute('aria-labelledby')!)?.textContent ?? sec.id;
      return a;
    }),
  );
}

function drawSweep(): void {
  showSection('experiment-section');
  const r = drawExperiment(
    { ratioChart: $('experiment-ratio-chart'), ratioTable: $('experiment-ratio-table'), asplChart: $('experiment-aspl-chart'), asplTable: $('experiment-aspl-table') },
    sweep!,
  );
  host.postMessage({ type: 'rendered', view: 'experiment', items: r.items, labels: r.labels });
}

function drawSparsifyView(): void {
  showSection('sparsify-section');
  const r = drawSparsify({ sparsityChart: $('sparsify-sparsity-chart'), flopsChart: $('sparsify-flops-chart'), table: $('sparsify-table') }, sparsify!);
  host.postMessage({ type: 'rendered', view: 'sparsify', items: r.items, labels: r.labels });
}

function drawAspl(): void {
  showSection('aspl-section');
  const r = drawAsplHistory($('aspl-chart'), {
    points: search.points,
    ...(search.mooreBound !== undefined ? { mooreBound: search.mooreBound } : {}),
    ...(search.bestKnown !== undefined ? { reference: { aspl: search.bestKnown, label: `best known ${search.bestKnown.toFixed(3)}` } } : {}),
  });
  host.postMessage({ type: 'rendered', view: 'aspl', items: r.points, labels: r.labels });
}

/** True while the saved state is redrawn after a reload (a saved running job must not wipe it). */
let restoring = false;

/** The sections one job draws: a new job starts from none of them, so the view never mixes two jobs. */
const JOB_SECTIONS = ['prune-section', 'compact-section', 'topology-section', 'aspl-section', 'sparsity-section', 'experiment-section', 'sparsify-section'];

function startJobView(): void {
  for (const id of JOB_SECTIONS) $(id).hidden = true;
  search = { points: [] };
  sweep = null;
  sparsify = null;
  const { prune: _p, topology: _t, sweep: _s, sparsify: _sp, aspl: _a, compact: _c, bench: _b, ...rest } = state;
  state = rest;
  clearBench();
  if (state.last) {
    // The model's own summary stays: it belongs to the model, not to a job.
    $('title').textContent = state.last.summary.modelName;
    $('subtitle').textContent = `${state.last.summary.topologyClass} · ${state.last.modelPath}`;
  } else {
    // What the last job said about the model ("pruned with RGP") is not true of the next one.
    $('subtitle').textContent = '';
  }
  showSection('job');
}

function clearBench(): void {
  $('bench-summary').textContent = '';
  $('bench-table').replaceChildren();
}

/** A follow-up job (Export Compact ONNX, Measure Speed) on the pruning run this view shows keeps its sections. */
function continuesShownRun(m: Extract<HostToWebview, { type: 'job' }>): boolean {
  return m.continues !== undefined && state.prune?.summary.outputPath === m.continues;
}

/** The pruned folder the view's buttons act on. */
function shownFolder(): string | undefined {
  return state.compact?.summary.prunedFolder ?? state.prune?.summary.outputPath;
}

function render(m: HostToWebview): void {
  switch (m.type) {
    case 'job': {
      if (m.state === 'running' && !restoring && !continuesShownRun(m)) startJobView();
      // An experiment cut short says so where its charts are, with what it kept.
      if (m.state !== 'running' && m.state !== 'done') {
        if (sweep && !state.sweep) $('experiment-subtitle').textContent = `${m.state} after ${sweep.runs.length} ${sweep.runs.length === 1 ? 'run' : 'runs'}${m.message ? ` · ${m.message}` : ''}`;
        if (sparsify && !sparsify.done) $('sparsify-subtitle').textContent = `${m.state} after ${sparsify.runs.length} ${sparsify.runs.length === 1 ? 'run' : 'runs'}${m.message ? ` · ${m.message}` : ''}`;
      }
      if (m.state === 'done' && search.points.length > 0 && !restoring) state = { ...state, aspl: { ...search, points: [...search.points] } };
      $('job').hidden = false;
      $('job-title').textContent = m.title;
      const badge = $('job-state');
      badge.textContent = m.state;
      badge.className = `badge ${m.state}`;
      const bar = $('job-progress') as HTMLProgressElement;
      if (m.state === 'running') bar.removeAttribute('value');
      else bar.value = 1;
      bar.hidden = m.state !== 'running';
      $('job-message').textContent = m.message ?? '';
      state = { ...state, job: m };
      break;
    }
    case 'progress': {
      const bar = $('job-progress') as HTMLProgressElement;
      if (m.fraction !== undefined) bar.value = m.fraction;
      $('job-message').textContent = m.message;
      return;
    }
    case 'modelSummary': {
      const { summary } = m;
      $('title').textContent = summary.modelName;
      $('subtitle').textContent = `${summary.topologyClass} · ${m.modelPath}`;
      const totals = $('totals');
      totals.hidden = false;
      totals.innerHTML = '';
      for (const [label, value] of [
        ['layers', String(summary.layers.length)],
        ['parameters', compact(summary.totalParams)],
        ['weights on disk', bytes(summary.weightBytes)],
        ['shards', String(summary.shards.length)],
      ]) {
        const d = document.createElement('div');
        d.className = 'stat';
        d.innerHTML = '<span class="value"></span><span class="label"></span>';
        d.querySelector('.value')!.textContent = value;
        d.querySelector('.label')!.textContent = label;
        totals.append(d);
      }
      showSection('params-section');
      $('layers-section').hidden = false;
      const chart = drawLayerParamsChart($('params-chart'), summary.layers);
      drawLayerTable($('layers-table'), summary.layers);
      state = { ...state, last: m };
      host.postMessage({ type: 'rendered', view: 'layers', items: chart.bars, labels: chart.labels });
      break;
    }
    case 'searchStart':
      search = { mooreBound: m.start.mooreBound, ...bestKnownFor(m.start.n, m.start.k, m.start.mooreBound), points: [] };
      $('aspl-heading').textContent = `ASPL of the regular graph during the search (n = ${m.start.n}, k = ${m.start.k})`;
      drawAspl();
      return;
    case 'searchSample':
      search.points.push({ t: m.sample.elapsed, aspl: m.sample.bestAspl });
      drawAspl();
      return;
    case 'pruneResult': {
      const s = m.summary;
      $('title').textContent = s.modelPath.split(/[\\/]/).slice(-2).join('/');
      $('subtitle').textContent = `pruned with RGP · n = ${s.graph.n}, k = ${s.graph.k} · seed ${s.graph.seed}`;
      showSection('prune-section');
      drawPruneStats($('prune-stats'), s);
      $('prune-output').textContent = `Written to ${s.outputPath}`;
      search = { mooreBound: s.graph.mooreBound, ...bestKnownFor(s.graph.n, s.graph.k, s.graph.mooreBound), points: s.history.map((h) => ({ t: h.t, aspl: h.bestAspl })) };
      $('aspl-heading').textContent = `ASPL of the regular graph during the search (n = ${s.graph.n}, k = ${s.graph.k})`;
      drawAspl();
      showSection('sparsity-section');
      const chart = drawSparsityChart($('sparsity-chart'), s.layers);
      drawPruneTable($('prune-table'), s);
      state = { ...state, prune: m };
      host.postMessage({ type: 'rendered', view: 'sparsity', items: chart.bars, labels: chart.labels });
      break;
    }
    case 'topology': {
      showSection('topology-section');
      const layout: TopologyLayout = state.topologyLayout ?? 'circular';
      const r = topology.show(m.graph, layout);
      state = { ...state, topology: m };
      host.postMessage({ type: 'rendered', view: 'topology', items: r.items, labels: r.labels });
      break;
    }
    case 'sweepStart': {
      sweep = { ratios: m.ratios, graphs: m.graphs, seeds: m.seeds, runs: [] };
      $('experiment-subtitle').textContent = `running: ${plural(m.ratios.length, 'ratio')} × ${plural(m.graphs.length, 'graph kind')} × ${plural(m.seeds.length, 'seed')}`;
      const { sweep: _finished, ...rest } = state;
      state = rest;
      drawSweep();
      break;
    }
    case 'sweepRun':
      sweep ??= { ratios: [], graphs: [], seeds: [], runs: [] };
      sweep.runs.push(m.run);
      drawSweep();
      return;
    case 'sweepResult': {
      const r = m.result;
      sweep = { ratios: r.ratios, graphs: r.graphs, seeds: r.seeds, runs: r.runs };
      const model = r.modelPath.split(/[\\/]/).slice(-3).join('/');
      $('experiment-subtitle').textContent =
        `${model} on ${r.dataset} · n = ${r.groups} groups · ${r.config.mode === 'scratch' ? 'trained from scratch' : 'fine-tuned'}, ` +
        `${plural(r.config.epochs, 'epoch')}, ${r.config.optimizer} · ${r.backend} · ${plural(r.runs.length, 'run')} in ${r.seconds.toFixed(0)} s`;
      state = { ...state, sweep: m };
      drawSweep();
      break;
    }
    case 'sparsifyRun':
      // A run after a finished comparison starts a new one.
      if (!sparsify || sparsify.done) {
        sparsify = { runs: [], sparsities: [], methods: [], seeds: [], done: false };
        $('sparsify-subtitle').textContent = `running: ${m.run.dataset}, ${m.run.task} prediction, ${m.run.model.toUpperCase()}`;
      }
      sparsify.runs.push(m.run);
      drawSparsifyView();
      return;
    case 'compactResult': {
      const c = m.summary;
      showSection('compact-section');
      $('compact-output').textContent = `Written to ${c.outputPath}${c.tuning ? ` · each masked layer's realization timed at batch ${c.tuning.batch}, ${c.tuning.threads} thread${c.tuning.threads === 1 ? '' : 's'}` : ''}`;
      const r = drawCompact({ stats: $('compact-stats'), chart: $('compact-chart'), layers: $('compact-layers') }, c);
      state = { ...state, compact: m };
      // A new compact model makes an earlier measurement stale.
      if (!restoring && state.bench) {
        const { bench: _b, ...rest } = state;
        state = rest;
        clearBench();
      }
      host.postMessage({ type: 'rendered', view: 'compact', items: r.items, labels: r.labels });
      break;
    }
    case 'benchResult': {
      showSection('compact-section');
      const r = drawBench({ summary: $('bench-summary'), table: $('bench-table') }, m.summary);
      state = { ...state, bench: m };
      host.postMessage({ type: 'rendered', view: 'bench', items: r.items, labels: r.labels });
      break;
    }
    case 'sparsifyResult': {
      const r = m.result;
      sparsify = { runs: r.runs, sparsities: r.sparsities, methods: r.methods, seeds: r.seeds, done: true };
      $('sparsify-subtitle').textContent =
        `${r.dataset}, ${r.task} prediction, ${r.model.toUpperCase()} · ${plural(r.methods.length, 'method')} × ${plural(r.sparsities.length, 'sparsity', 'sparsities')} × ${plural(r.seeds.length, 'seed')} · ${r.backend} · ${r.seconds.toFixed(0)} s`;
      state = { ...state, sparsify: m };
      drawSparsifyView();
      break;
    }
  }
  host.setState(state);
}

function safely(m: HostToWebview): void {
  try {
    render(m);
  } catch (e) {
    host.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}

restoring = true;
if (state.last) safely(state.last);
if (state.aspl && !state.prune) {
  search = { ...state.aspl, points: [...state.aspl.points] };
  drawAspl();
}
if (state.prune) safely(state.prune);
if (state.compact) safely(state.compact);
if (state.bench) safely(state.bench);
if (state.topology) safely(state.topology);
if (state.sweep) safely(state.sweep);
if (state.sparsify) safely(state.sparsify);
if (state.job) safely(state.job);
if (state.scrollY) window.scrollTo(0, state.scrollY);
restoring = false;
// Where the reader was, so a restored view opens at the same place.
let scrollTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('scroll', () => {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(() => {
    state = { ...state, scrollY: window.scrollY };
    host.setState(state);
  }, 200);
});
for (const [id, command] of [['export-compact', 'rgp.exportCompact'], ['measure-speed', 'rgp.measureSpeed']] as const) {
  $(id).addEventListener('click', () => {
    const folder = shownFolder();
    if (folder) host.postMessage({ type: 'run', command, folder });
  });
}
onHostMessage(safely);
host.postMessage({ type: 'ready', version: WEBVIEW_PROTOCOL_VERSION });
