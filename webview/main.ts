/**
 * The RGP webview: draws what the extension sends (src/protocol/webview.ts) and reports back what it
 * drew. Its state (the last summary and job) is saved with setState, so a reloaded panel redraws
 * without asking the host.
 */
import { WEBVIEW_PROTOCOL_VERSION, type HostToWebview, type WebviewState } from '../src/protocol/webview';
import { bytes, compact } from './format';
import { drawLayerParamsChart } from './layerParamsChart';
import { drawLayerTable } from './layerTable';
import { drawAsplHistory, type AsplPoint } from './asplHistoryChart';
import { drawPruneStats, drawPruneTable } from './pruneViews';
import { drawSparsityChart } from './sparsityChart';
import { host, onHostMessage } from './vscodeApi';

const app = document.getElementById('app')!;
app.innerHTML = `
  <header><h1 id="title">RGP</h1><p id="subtitle" class="muted"></p></header>
  <section id="job" class="job" hidden>
    <div class="job-line"><span id="job-title"></span> <span id="job-state" class="badge"></span></div>
    <progress id="job-progress" max="1"></progress>
    <div id="job-message" class="muted"></div>
  </section>
  <section id="totals" class="totals" hidden></section>
  <section id="prune-section" aria-labelledby="prune-heading" hidden>
    <h2 id="prune-heading">Pruned model</h2>
    <div id="prune-stats" class="totals"></div>
    <p id="prune-output" class="muted"></p>
  </section>
  <section id="aspl-section" aria-labelledby="aspl-heading" hidden>
    <h2 id="aspl-heading">ASPL of the regular graph during the search</h2>
    <div id="aspl-chart"></div>
  </section>
  <section id="sparsity-section" aria-labelledby="sparsity-heading" hidden>
    <h2 id="sparsity-heading">Parameters per layer, dense and pruned</h2>
    <div id="sparsity-chart"></div>
    <div id="prune-table"></div>
  </section>
  <section aria-labelledby="params-heading" id="params-section" hidden>
    <h2 id="params-heading">Parameters per layer</h2>
    <div id="params-chart"></div>
  </section>
  <section id="layers-section" hidden><div id="layers-table"></div></section>`;

const $ = (id: string) => document.getElementById(id)!;
const saved = host.getState();
let state: WebviewState = saved?.version === WEBVIEW_PROTOCOL_VERSION ? saved : { version: WEBVIEW_PROTOCOL_VERSION };
/** The running search: its Moore bound and the samples so far (not saved: the final history is). */
let search: { mooreBound?: number; points: AsplPoint[] } = { points: [] };

function drawAspl(): void {
  $('aspl-section').hidden = false;
  const r = drawAsplHistory($('aspl-chart'), { points: search.points, ...(search.mooreBound !== undefined ? { mooreBound: search.mooreBound } : {}) });
  host.postMessage({ type: 'rendered', view: 'aspl', items: r.points, labels: r.labels });
}

function render(m: HostToWebview): void {
  switch (m.type) {
    case 'job': {
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
      $('params-section').hidden = false;
      $('layers-section').hidden = false;
      const chart = drawLayerParamsChart($('params-chart'), summary.layers);
      drawLayerTable($('layers-table'), summary.layers);
      state = { ...state, last: m };
      host.postMessage({ type: 'rendered', view: 'layers', items: chart.bars, labels: chart.labels });
      break;
    }
    case 'searchStart':
      search = { mooreBound: m.start.mooreBound, points: [] };
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
      $('subtitle').textContent = `pruned with RGP · seed ${s.graph.seed}`;
      $('prune-section').hidden = false;
      drawPruneStats($('prune-stats'), s);
      $('prune-output').textContent = `Written to ${s.outputPath}`;
      search = { mooreBound: s.graph.mooreBound, points: s.history.map((h) => ({ t: h.t, aspl: h.bestAspl })) };
      $('aspl-heading').textContent = `ASPL of the regular graph during the search (n = ${s.graph.n}, k = ${s.graph.k})`;
      drawAspl();
      $('sparsity-section').hidden = false;
      const chart = drawSparsityChart($('sparsity-chart'), s.layers);
      drawPruneTable($('prune-table'), s);
      state = { ...state, prune: m };
      host.postMessage({ type: 'rendered', view: 'sparsity', items: chart.bars, labels: chart.labels });
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

if (state.last) safely(state.last);
if (state.prune) safely(state.prune);
if (state.job) safely(state.job);
onHostMessage(safely);
host.postMessage({ type: 'ready', version: WEBVIEW_PROTOCOL_VERSION });
