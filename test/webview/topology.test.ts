/**
 * The topology view in a real browser, fed a real 1,024-node 16-regular graph (src/core/graph, seeded):
 * it draws on a devicePixelRatio-sized canvas in light and dark themes, highlights a node's neighbours
 * under the pointer (checked in the canvas pixels, in the theme's colours), zooms and pans from the
 * keyboard and the wheel, switches to the force layout from the keyboard (the same positions as the
 * layout computed here in Node: it is deterministic), restores itself after a reload, offers the graph as
 * text, and reports a malformed graph instead of drawing it. Screenshots go to test-artifacts/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { aspl, randomRegularGraph, type RegularGraph } from '../../src/core/graph';
import type { TopologyGraph } from '../../src/protocol/webview';
import { ForceLayout } from '../../webview/forceLayout';
import { toDrawable } from '../../webview/topologyGraph';
import { THEMES } from './themes';
import { REPO, inkFraction, launch, openWebview, type WebviewHarness } from './webviewPage';

const ARTIFACTS = path.join(REPO, 'test-artifacts');

interface CanvasState {
  layout: string;
  settled: string;
  focus: string;
  highlighted: number;
  k: number;
  x: number;
  y: number;
  fit: number[];
  cssWidth: number;
  width: number;
}

async function canvasState(page: Page): Promise<CanvasState> {
  return page.$eval('canvas.topology-canvas', (c) => {
    const el = c as HTMLCanvasElement;
    const d = el.dataset;
    return {
      layout: d.layout ?? '',
      settled: d.settled ?? '',
      focus: d.focus ?? '',
      highlighted: Number(d.highlighted),
      k: Number(d.zoomK ?? 1),
      x: Number(d.zoomX ?? 0),
      y: Number(d.zoomY ?? 0),
      fit: (d.fit ?? '').split(' ').map(Number),
      cssWidth: el.getBoundingClientRect().width,
      width: el.width,
    };
  });
}

/** Maps layout positions to page coordinates under the canvas's current fit and zoom. */
async function projector(page: Page): Promise<(x: number, y: number) => { x: number; y: number }> {
  const s = await canvasState(page);
  const box = (await page.locator('canvas.topology-canvas').boundingBox())!;
  const [scale, dx, dy] = s.fit;
  // The canvas has a 1 px border: its drawing starts one pixel inside the box.
  return (x, y) => ({ x: box.x + 1 + s.k * (scale * x + dx) + s.x, y: box.y + 1 + s.k * (scale * y + dy) + s.y });
}

function circularPosition(i: number, n: number): [number, number] {
  const a = (2 * Math.PI * i) / n - Math.PI / 2;
  return [Math.cos(a), Math.sin(a)];
}

/** The canvas pixels (backing store) at page points, after the next frame is drawn: one readback. */
async function pixelsAt(page: Page, points: { x: number; y: number }[]): Promise<string[]> {
  return page.evaluate(async (pts) => {
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    const c = document.querySelector('canvas.topology-canvas') as HTMLCanvasElement;
    const r = c.getBoundingClientRect();
    const sx = c.width / (r.width - 2);
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    return pts.map(([px, py]) => {
      const i = 4 * (Math.round((py - r.top - 1) * sx) * c.width + Math.round((px - r.left - 1) * sx));
      return `rgb(${data[i]}, ${data[i + 1]}, ${data[i + 2]})`;
    });
  }, points.map((p) => [p.x, p.y] as [number, number]));
}

/**
 * Moves the pointer over a layout position. Browsers report mouse positions in whole CSS pixels, and
 * neighbouring nodes on a 1,024-node circle sit under 2 px apart, so the node expected under the
 * pointer is the one nearest to the rounded position (among `candidates`, in layout units).
 */
async function hover(page: Page, x: number, y: number, candidates?: (i: number) => [number, number], n = 0): Promise<number | undefined> {
  const project = await projector(page);
  const p = project(x, y);
  const at = { x: Math.round(p.x), y: Math.round(p.y) };
  await page.mouse.move(at.x, at.y);
  if (!candidates) return undefined;
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < n; i++) {
    const q = project(...candidates(i));
    const d = Math.hypot(q.x - at.x, q.y - at.y);
    if (d < bestD) [best, bestD] = [i, d];
  }
  assert.ok(bestD < 2, `a node lies under the pointer (${bestD.toFixed(2)} px)`);
  return best;
}

const rgb = (hex: string) => `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;

describe('webview: topology view', () => {
  let browser: Browser;
  let g: RegularGraph;
  let message: { type: 'topology'; graph: TopologyGraph };
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launch();
    g = randomRegularGraph(1024, 16, 1);
    message = { type: 'topology', graph: { n: g.n, k: g.k, adjacency: Array.from(g.neighbors), aspl: aspl(g).aspl, label: 'random regular, seed 1' } };
  });
  after(async () => browser?.close());

  async function open(theme: 'light' | 'dark', scale = 1): Promise<WebviewHarness> {
    const w = await openWebview(browser, theme, 900, scale);
    await w.waitForPosted('ready');
    await w.send(message);
    await w.page.locator('canvas.topology-canvas').scrollIntoViewIfNeeded();
    return w;
  }

  for (const theme of ['light', 'dark'] as const) {
    test(`draws 1,024 nodes × degree 16 and highlights a node's neighbours (${theme} theme)`, async () => {
      const w = await open(theme, 2);
      const [r] = await w.waitForPosted('rendered');
      assert.ok(r.type === 'rendered' && r.view === 'topology' && r.items === 1024, JSON.stringify(r));
      assert.deepEqual(r.labels, ['n = 1024', 'k = 16', `ASPL ${message.graph.aspl.toFixed(4)}`, 'circular layout']);
      const caption = await w.page.textContent('.topology-caption');
      assert.match(caption ?? '', /^n = 1,024 nodes · k = 16 · 8,192 edges · ASPL \d\.\d{4} · random regular, seed 1$/);
      assert.match((await w.page.getAttribute('canvas.topology-canvas', 'aria-label')) ?? '', /1024 nodes of degree 16/);

      const s = await canvasState(w.page);
      assert.equal(s.layout, 'circular');
      assert.equal(s.width, Math.round(s.cssWidth - 2) * 2, 'the backing store is devicePixelRatio × the CSS size');
      const ink = await inkFraction(w.page, await w.page.locator('canvas.topology-canvas').screenshot());
      assert.ok(ink > 0.05 && ink < 0.9, `the canvas has visible content (${(ink * 100).toFixed(1)} % ink)`);

      const v = (await hover(w.page, ...circularPosition(100, g.n), (i) => circularPosition(i, g.n), g.n))!;
      assert.ok(Math.abs(v - 100) <= 1);
      const hovered = await canvasState(w.page);
      assert.equal(hovered.focus, String(v));
      assert.equal(hovered.highlighted, 16);
      const row = Array.from(g.neighbors.subarray(v * 16, v * 16 + 16));
      assert.equal(await w.page.textContent('.topology-hover'), `Node ${v}: 16 neighbours — ${row.join(', ')}`);
      // Drawn on top in the theme's colours: the node itself, and each neighbour.
      const colours = THEMES[theme];
      const project = await projector(w.page);
      // (Neighbours far round the circle from v, clear of its disc and its label.)
      const far = row.filter((u) => Math.min(Math.abs(u - v), g.n - Math.abs(u - v)) > 60).slice(0, 4);
      assert.equal(far.length, 4);
      const pixels = await pixelsAt(w.page, [v, ...far].map((u) => project(...circularPosition(u, g.n))));
      assert.deepEqual(pixels, [rgb(colours['--vscode-charts-red']), ...far.map(() => rgb(colours['--vscode-charts-orange']))]);
      await w.page.screenshot({ path: path.join(ARTIFACTS, `webview-topology-${theme}.png`), fullPage: true });

      await w.page.mouse.move(5, 5);
      assert.equal((await canvasState(w.page)).focus, '');
      assert.deepEqual(w.problems, []);
      await w.page.context().close();
    });
  }

  test('zooms and pans from the keyboard and the wheel; hit testing follows the transform', async () => {
    const w = await open('light');
    await w.waitForPosted('rendered');
    await w.page.focus('canvas.topology-canvas');
    await w.page.keyboard.press('+');
    let s = await canvasState(w.page);
    assert.ok(Math.abs(s.k - 1.3) < 1e-9, `zoom ${s.k}`);
    const before = s.x;
    await w.page.keyboard.press('ArrowRight');
    s = await canvasState(w.page);
    assert.ok(Math.abs(s.x - (before - 48)) < 1e-6, `panned by one step: ${before} → ${s.x}`);
    await w.page.keyboard.press('ArrowDown');
    assert.ok((await canvasState(w.page)).y < s.y);

    // Node 256 (three o'clock) sits elsewhere on screen now; the pointer still finds it there.
    const v = (await hover(w.page, ...circularPosition(256, g.n), (i) => circularPosition(i, g.n), g.n))!;
    assert.equal((await canvasState(w.page)).focus, String(v));
    await w.page.focus('canvas.topology-canvas');
    await w.page.keyboard.press('0');
    s = await canvasState(w.page);
    assert.deepEqual([s.k, s.x, s.y], [1, 0, 0]);
    await w.page.keyboard.press('-');
    assert.ok((await canvasState(w.page)).k < 1);
    await w.page.click('.topology-reset');
    assert.equal((await canvasState(w.page)).k, 1);

    const box = (await w.page.locator('canvas.topology-canvas').boundingBox())!;
    await w.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    // The plain wheel scrolls the page (issue 15 item 10); Ctrl + wheel zooms.
    await w.page.keyboard.down('Control');
    await w.page.mouse.wheel(0, -400);
    await w.page.keyboard.up('Control');
    await w.page.waitForFunction(() => Number((document.querySelector('canvas.topology-canvas') as HTMLElement).dataset.zoomK) > 1.3);

    // ] and [ step the highlight through the nodes without a pointer.
    await w.page.mouse.move(2, 2);
    await w.page.focus('canvas.topology-canvas');
    await w.page.keyboard.press(']');
    assert.equal((await canvasState(w.page)).focus, '0');
    await w.page.keyboard.press('[');
    assert.equal((await canvasState(w.page)).focus, '1023');
    await w.page.keyboard.press('Escape');
    assert.equal((await canvasState(w.page)).focus, '');
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });

  test('switches to the force layout from the keyboard; the layout is deterministic and survives a reload', async () => {
    const w = await open('dark');
    await w.waitForPosted('rendered');
    await w.page.focus('input[value="circular"]');
    await w.page.keyboard.press('ArrowRight');
    const rendered = await w.waitForPosted('rendered', 2);
    const last = rendered[1];
    assert.ok(last.type === 'rendered' && last.view === 'topology' && last.labels.includes('force layout'), JSON.stringify(last));
    assert.equal(await w.page.isChecked('input[value="force"]'), true);
    await w.page.waitForFunction(() => (document.querySelector('canvas.topology-canvas') as HTMLElement).dataset.settled === 'true', undefined, { timeout: 20_000 });
    assert.equal((await canvasState(w.page)).layout, 'force');
    const marks = await w.page.evaluate(() => ({ frames: performance.getEntriesByName('rgp-topology-frame').length, settled: performance.getEntriesByName('rgp-topology-settled').length }));
    assert.ok(marks.frames >= 2 && marks.settled === 1, JSON.stringify(marks));

    // The same layout computed here, outside the browser: the page must have put node v at this spot.
    const layout = new ForceLayout(g.n, toDrawable(message.graph).edges);
    while (!layout.advance(1e9));
    for (const v of [5, 517, 1000]) {
      await hover(w.page, layout.xy[2 * v], layout.xy[2 * v + 1]);
      assert.equal((await canvasState(w.page)).focus, String(v), `node ${v} is where the layout puts it`);
      assert.equal((await canvasState(w.page)).highlighted, 16);
    }
    const ink = await inkFraction(w.page, await w.page.locator('canvas.topology-canvas').screenshot());
    assert.ok(ink > 0.05 && ink < 0.9, `the force layout has visible content (${(ink * 100).toFixed(1)} % ink)`);
    await w.page.screenshot({ path: path.join(ARTIFACTS, 'webview-topology-force-dark.png'), fullPage: true });

    await w.page.reload();
    const again = await w.waitForPosted('rendered');
    assert.ok(again[0].type === 'rendered' && again[0].view === 'topology' && again[0].labels.includes('force layout'));
    assert.equal(await w.page.isChecked('input[value="force"]'), true);
    assert.match((await w.page.textContent('.topology-caption')) ?? '', /^n = 1,024 nodes/);
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });

  test('offers the graph as text: facts, and every node’s neighbours on demand', async () => {
    const w = await open('light');
    await w.waitForPosted('rendered');
    const facts = await w.page.$$eval('.topology-facts tbody tr', (trs) => trs.map((tr) => tr.textContent));
    assert.ok(facts.includes('degree k16 at every node'), facts.join(' | '));
    assert.ok(facts.includes(`ASPL${message.graph.aspl.toFixed(4)}`));
    assert.ok(facts.some((f) => /^Moore bound on the ASPL\d\.\d{4}$/.test(f ?? '')));
    assert.equal(await w.page.$$eval('.topology-neighbours tr', (trs) => trs.length), 0, 'built only when opened');
    await w.page.click('details.topology-text summary');
    await w.page.waitForSelector('.topology-neighbours tbody tr');
    const rows = await w.page.$$eval('.topology-neighbours tbody tr', (trs) => trs.map((tr) => tr.textContent));
    assert.equal(rows.length, 1024);
    assert.equal(rows[7], `7${Array.from(g.neighbors.subarray(7 * 16, 8 * 16)).join(', ')}`);
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });

  test('a malformed graph is reported to the host, not drawn', async () => {
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    await w.send({ type: 'topology', graph: { n: 4, k: 2, adjacency: [1, 3, 0, 2, 1, 3, 0, 9], aspl: 1.33, label: 'broken' } });
    const [e] = await w.waitForPosted('error');
    assert.ok(e.type === 'error' && /node 3 has neighbour 9/.test(e.message), JSON.stringify(e));
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });
});
