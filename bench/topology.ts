/**
 * Topology view, time to first frame: the real webview bundle in headless Chromium (the page, CSP and
 * stand-in host of the webview tests) is sent the topology of a 1,024-node 16-regular graph, and the page
 * itself measures, with performance.now(), from the moment the message is posted to the moment the first
 * frame with the graph is on screen (the view's `rgp-topology-frame` mark, set after the animation frame
 * that follows the draw). Circular and force layouts; for the force layout also the time until all its
 * ticks have run (webview/forceLayout.ts FORCE_TICKS: the layout refines over later frames and never
 * holds up the first). Fresh page per run, median of the runs. Target: first frame ≤ 1 s.
 *
 * Run: node esbuild.js && npx tsx bench/topology.ts [--runs 5] [--nodes 1024] [--degree 16]
 *                                                 [--screenshot docs/rgp-topology.png]   (prints JSON)
 */
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { aspl, randomRegularGraph } from '../src/core/graph';
import { WEBVIEW_PROTOCOL_VERSION, type HostToWebview } from '../src/protocol/webview';
import { launch, openWebview } from '../test/webview/webviewPage';
import { ForceLayout } from '../webview/forceLayout';
import { toDrawable } from '../webview/topologyGraph';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Timing {
  firstFrameMs: number;
  settledMs?: number;
}

/** One fresh page: set the layout the way a restored panel would have it, post the graph, wait for the marks. */
async function measure(browser: Browser, message: HostToWebview, layout: 'circular' | 'force', theme: 'light' | 'dark' = 'light') {
  const w = await openWebview(browser, theme);
  await w.waitForPosted('ready');
  await w.page.evaluate(
    ([v, l]) => sessionStorage.setItem('rgp-state', JSON.stringify({ version: v, topologyLayout: l })),
    [WEBVIEW_PROTOCOL_VERSION, layout] as const,
  );
  await w.page.reload();
  await w.waitForPosted('ready');
  // A string, not a function: tsx would wrap the inner helpers in `__name`, which the page lacks.
  const timing = (await w.page.evaluate(`(async () => {
    const since = (name, t0) => new Promise((resolve) => {
      const poll = () => {
        const m = performance.getEntriesByName(name).find((e) => e.startTime >= t0);
        if (m) resolve(m.startTime - t0); else setTimeout(poll, 2);
      };
      poll();
    });
    const t0 = performance.now();
    window.postMessage(${JSON.stringify(message)}, '*');
    const firstFrameMs = await since('rgp-topology-frame', t0);
    return ${layout === 'force'} ? { firstFrameMs, settledMs: await since('rgp-topology-settled', t0) } : { firstFrameMs };
  })()`)) as Timing;
  if (w.problems.length) throw new Error(`the page reported problems: ${w.problems.join('; ')}`);
  return { w, timing };
}

async function main(): Promise<void> {
  const runs = Number(arg('runs', '5'));
  const n = Number(arg('nodes', '1024'));
  const k = Number(arg('degree', '16'));
  const shot = arg('screenshot', '');
  const g = randomRegularGraph(n, k, 1);
  const message: Extract<HostToWebview, { type: 'topology' }> = { type: 'topology', graph: { n, k, adjacency: Array.from(g.neighbors), aspl: aspl(g).aspl, label: 'random regular, seed 1' } };

  const browser = await launch();
  const results: Record<string, { firstFrameMs: number[]; settledMs?: number[] }> = {};
  for (const layout of ['circular', 'force'] as const) {
    const r: { firstFrameMs: number[]; settledMs?: number[] } = { firstFrameMs: [], ...(layout === 'force' ? { settledMs: [] } : {}) };
    for (let i = 0; i < runs; i++) {
      const { w, timing } = await measure(browser, message, layout);
      r.firstFrameMs.push(Math.round(timing.firstFrameMs * 10) / 10);
      if (timing.settledMs !== undefined) r.settledMs!.push(Math.round(timing.settledMs));
      await w.page.context().close();
    }
    results[layout] = r;
  }

  if (shot) {
    // The README picture: dark theme, force layout settled, the pointer on one node near the middle so its
    // neighbourhood spreads across the picture. The layout is deterministic, so computing it here tells
    // where that node is on the page.
    const { w } = await measure(browser, message, 'force', 'dark');
    const layout = new ForceLayout(n, toDrawable(message.graph).edges);
    while (!layout.advance(1e9));
    let v = 0;
    for (let i = 1; i < n; i++) if (Math.hypot(layout.xy[2 * i] - 40, layout.xy[2 * i + 1] + 30) < Math.hypot(layout.xy[2 * v] - 40, layout.xy[2 * v + 1] + 30)) v = i;
    const section = w.page.locator('#topology-section');
    await section.scrollIntoViewIfNeeded();
    const box = (await w.page.locator('canvas.topology-canvas').boundingBox())!;
    const [scale, dx, dy] = ((await w.page.getAttribute('canvas.topology-canvas', 'data-fit')) ?? '').split(' ').map(Number);
    await w.page.mouse.move(box.x + 1 + scale * layout.xy[2 * v] + dx, box.y + 1 + scale * layout.xy[2 * v + 1] + dy);
    const focus = await w.page.getAttribute('canvas.topology-canvas', 'data-focus');
    if (focus !== String(v)) throw new Error(`the pointer is on node ${focus}, expected ${v}`);
    await w.page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    const s = (await section.boundingBox())!;
    await w.page.screenshot({ path: path.resolve(shot), clip: { x: Math.max(0, s.x - 14), y: Math.max(0, s.y - 10), width: s.width + 28, height: s.height + 20 } });
    await w.page.context().close();
  }
  const version = browser.version();
  await browser.close();

  const summary = Object.fromEntries(
    Object.entries(results).map(([layout, r]) => [
      layout,
      { ...r, medianFirstFrameMs: median(r.firstFrameMs), ...(r.settledMs ? { medianSettledMs: median(r.settledMs) } : {}) },
    ]),
  );
  const worst = Math.max(...Object.values(summary).map((s) => s.medianFirstFrameMs));
  console.log(
    JSON.stringify(
      {
        bench: 'topology-first-frame',
        graph: { n, k, edges: (n * k) / 2, aspl: message.graph.aspl },
        chromium: version,
        headless: true,
        runs,
        targetMs: 1000,
        layouts: summary,
        withinTarget: worst <= 1000,
        ...(shot ? { screenshot: path.resolve(shot) } : {}),
      },
      null,
      2,
    ),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
