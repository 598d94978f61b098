/**
 * The RGP webview: draws what the extension sends (src/protocol/webview.ts) and reports back what it
 * drew. Its state (the last summary and job) is saved with setState, so a reloaded panel redraws
 * without asking the host.
 */
import { WEBVIEW_PROTOCOL_VERSION, type HostToWebview, type WebviewState } from '../src/protocol/webview';
import { bytes, compact } from './format';
import { drawLayerParamsChart } from './layerParamsChart';
import { drawLayerTable } from './layerTable';
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
  <section aria-labelledby="params-heading" id="params-section" hidden>
    <h2 id="params-heading">Parameters per layer</h2>
    <div id="params-chart"></div>
  </section>
  <section id="layers-section" hidden><div id="layers-table"></div></section>`;

const $ = (id: string) => document.getElementById(id)!;
let state: WebviewState = host.getState() ?? { version: WEBVIEW_PROTOCOL_VERSION };

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
if (state.job) safely(state.job);
onHostMessage(safely);
host.postMessage({ type: 'ready', version: WEBVIEW_PROTOCOL_VERSION });
