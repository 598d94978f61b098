/**
 * The topology view: a regular graph on a <canvas> (devicePixelRatio-aware), in a circular or a
 * force-directed layout, with hover/keyboard highlighting of a node's neighbourhood (nearest node by a
 * d3-quadtree, O(log n) per pointer move), zoom and pan (d3-zoom; + − arrows 0 from the keyboard), a
 * caption and a text alternative. The first frame is drawn synchronously when the graph arrives; the
 * force layout then refines over later animation frames, a time-boxed batch of ticks per frame.
 *
 * The canvas carries its state as data attributes (layout, settled, focus, highlighted, zoom, fit) so the
 * host's tests can read what is on screen without reading pixels.
 */
import { quadtree, type Quadtree } from 'd3-quadtree';
import { select } from 'd3-selection';
import { zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import type { TopologyGraph } from '../src/protocol/webview';
import { circularLayout } from './circularLayout';
import { FORCE_TICKS, ForceLayout } from './forceLayout';
import { onThemeChange } from './themeColors';
import { toDrawable, neighboursOf, type DrawableGraph } from './topologyGraph';
import { drawTopology, edgeAlpha, nodeRadius, readTopologyColors, type Projection, type TopologyColors } from './topologyRenderer';
import { drawTopologyFacts, neighbourTableOnOpen } from './topologyText';

export type TopologyLayout = 'circular' | 'force';

export interface TopologyRendered {
  items: number;
  labels: string[];
}

export interface TopologyView {
  /** Draws a new graph (first frame before returning) and reports what it drew. */
  show(graph: TopologyGraph, layout: TopologyLayout): TopologyRendered;
}

/** Performance marks the bench reads: first frame of a graph on screen, and the force layout finished. */
export const MARK_FRAME = 'rgp-topology-frame';
export const MARK_SETTLED = 'rgp-topology-settled';

/** Milliseconds of force ticks per animation frame: leaves the rest of a 60 Hz frame for drawing. */
const TICK_BUDGET_MS = 10;
const KEY_ZOOM = 1.3;
const KEY_PAN_PX = 48;

export function createTopologyView(container: HTMLElement, onLayoutChange: (layout: TopologyLayout, r: TopologyRendered) => void): TopologyView {
  container.innerHTML = `
    <p class="topology-caption"></p>
    <div class="topology-toolbar">
      <fieldset class="segmented">
        <legend>Layout</legend>
        <label><input type="radio" name="topology-layout" value="circular" checked> Circular</label>
        <label><input type="radio" name="topology-layout" value="force"> Force</label>
      </fieldset>
      <button type="button" class="topology-reset">Reset zoom</button>
      <span class="topology-hint muted">Zoom: Ctrl/⌘ + wheel, or click the graph, then wheel</span>
      <span class="topology-status muted" aria-live="polite"></span>
    </div>
    <canvas class="topology-canvas" tabindex="0" role="img"></canvas>
    <p class="topology-hover muted" aria-live="polite"></p>
    <details class="topology-text">
      <summary>The graph as text: degree, ASPL and every node's neighbours</summary>
      <div class="topology-facts"></div>
      <div class="topology-neighbours"></div>
    </details>`;
  const q = <T extends Element>(sel: string) => container.querySelector(sel) as T;
  const caption = q<HTMLParagraphElement>('.topology-caption');
  const canvas = q<HTMLCanvasElement>('canvas');
  const hoverLine = q<HTMLParagraphElement>('.topology-hover');
  const status = q<HTMLSpanElement>('.topology-status');
  const details = q<HTMLDetailsElement>('details');
  const radios = Array.from(container.querySelectorAll<HTMLInputElement>('input[name="topology-layout"]'));
  const ctx = canvas.getContext('2d', { alpha: false })!;

  let graph: DrawableGraph | null = null;
  let layout: TopologyLayout = 'circular';
  let circular: Float64Array | null = null;
  let force: ForceLayout | null = null;
  let colors: TopologyColors = readTopologyColors();
  let size = { width: 0, height: 0, dpr: 1 };
  let fit: Projection = { scale: 1, dx: 0, dy: 0 };
  let alpha = 0.1;
  let transform: ZoomTransform = zoomIdentity;
  let focus: number | null = null;
  let focusFromPointer = false;
  let neighbours: number[] = [];
  let tree: Quadtree<number> | null = null;
  let frameRequested = false;

  const positions = (): Float64Array => (layout === 'force' && force ? force.xy : circular!);

  // The mouse wheel scrolls the page; it zooms with Ctrl/⌘ held, or once the canvas was clicked (until the
  // pointer leaves it), so reading down the view never gets caught by the graph.
  let wheelZooms = false;
  canvas.addEventListener('pointerdown', () => {
    wheelZooms = true;
    canvas.dataset.wheelZoom = 'on';
  });
  canvas.addEventListener('pointerleave', () => {
    wheelZooms = false;
    canvas.dataset.wheelZoom = 'off';
  });
  const behaviour: ZoomBehavior<HTMLCanvasElement, unknown> = zoom<HTMLCanvasElement, unknown>()
    .scaleExtent([0.5, 40])
    .filter((e: MouseEvent) => (e.type === 'wheel' ? wheelZooms || e.ctrlKey || e.metaKey : !e.ctrlKey && !e.button))
    .on('zoom', (e: { transform: ZoomTransform }) => {
      transform = e.transform;
      canvas.dataset.zoomK = String(transform.k);
      canvas.dataset.zoomX = String(transform.x);
      canvas.dataset.zoomY = String(transform.y);
      requestFrame();
    });
  const canvasSel = select(canvas);
  canvasSel.call(behaviour).on('dblclick.zoom', null);

  function resize(): boolean {
    const width = Math.max(320, Math.min(container.clientWidth || 640, 960));
    const height = Math.round(Math.min(width, 640));
    const dpr = window.devicePixelRatio || 1;
    if (width === size.width && height === size.height && dpr === size.dpr) return false;
    size = { width, height, dpr };
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    return true;
  }

  /** Fits the layout's bounding box into the canvas with a margin; the zoom transform applies on top. */
  function refit(): void {
    const xy = positions();
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < xy.length; i += 2) {
      x0 = Math.min(x0, xy[i]);
      x1 = Math.max(x1, xy[i]);
      y0 = Math.min(y0, xy[i + 1]);
      y1 = Math.max(y1, xy[i + 1]);
    }
    if (!Number.isFinite(x0)) x0 = x1 = y0 = y1 = 0;
    const pad = 14 + nodeRadius(graph!.n, 1);
    const scale = Math.min((size.width - 2 * pad) / Math.max(x1 - x0, 1e-9), (size.height - 2 * pad) / Math.max(y1 - y0, 1e-9));
    fit = { scale, dx: size.width / 2 - (scale * (x0 + x1)) / 2, dy: size.height / 2 - (scale * (y0 + y1)) / 2 };
    alpha = edgeAlpha(graph!, xy, scale, size.width, size.height);
    canvas.dataset.fit = `${fit.scale} ${fit.dx} ${fit.dy}`;
    tree = null;
  }

  function view(): Projection {
    const t = transform;
    return { scale: t.k * fit.scale, dx: t.k * fit.dx + t.x, dy: t.k * fit.dy + t.y };
  }

  function drawNow(): void {
    if (!graph) return;
    drawTopology(graph, {
      ctx,
      width: size.width,
      height: size.height,
      dpr: size.dpr,
      xy: positions(),
      view: view(),
      edgeAlpha: alpha,
      zoom: transform.k,
      colors,
      focus,
      neighbours,
    });
  }

  /** One animation frame: a time-boxed batch of force ticks when that layout is still cooling, then a redraw. */
  function frame(): void {
    frameRequested = false;
    if (!graph) return;
    if (layout === 'force' && force && !force.done) {
      force.advance(TICK_BUDGET_MS);
      refit();
      showProgress();
      if (force.done) {
        performance.mark(MARK_SETTLED);
        canvas.dataset.settled = 'true';
      } else requestFrame();
    }
    drawNow();
  }

  function requestFrame(): void {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(frame);
  }

  function showProgress(): void {
    const settling = layout === 'force' && force !== null && !force.done;
    status.textContent = settling ? `laying out… ${force!.ticks} of ${FORCE_TICKS} steps` : '';
    canvas.dataset.settled = String(!settling);
  }

  function setFocus(v: number | null, fromPointer: boolean, always = false): void {
    if (v === focus && !always) return;
    focus = v;
    focusFromPointer = fromPointer;
    neighbours = v === null || !graph ? [] : neighboursOf(graph, v);
    canvas.dataset.focus = v === null ? '' : String(v);
    canvas.dataset.highlighted = String(neighbours.length);
    hoverLine.textContent =
      v === null
        ? 'Point at a node — or focus the graph and press ] or [ — to highlight its neighbours.'
        : `Node ${v}: ${neighbours.length} neighbours — ${neighbours.join(', ')}`;
    requestFrame();
  }

  function nodeAt(px: number, py: number): number | null {
    if (!graph || graph.n === 0) return null;
    const xy = positions();
    if (!tree) tree = quadtree<number>().x((i) => xy[2 * i]).y((i) => xy[2 * i + 1]).addAll(Array.from({ length: graph.n }, (_, i) => i));
    const v = view();
    const radius = (nodeRadius(graph.n, transform.k) + 5) / v.scale;
    return tree.find((px - v.dx) / v.scale, (py - v.dy) / v.scale, radius) ?? null;
  }

  function describe(): TopologyRendered {
    const g = graph!;
    const aspl = Number.isFinite(g.aspl) ? g.aspl.toFixed(4) : '—';
    const edges = (g.edges.length / 2).toLocaleString('en-US');
    caption.textContent = `n = ${g.n.toLocaleString('en-US')} nodes · k = ${g.k} · ${edges} edges · ASPL ${aspl} · ${g.label}`;
    canvas.setAttribute(
      'aria-label',
      `Regular graph, ${g.n} nodes of degree ${g.k}, ${edges} edges, ASPL ${aspl}, ${layout} layout. ` +
        'Keys: plus and minus zoom, arrows pan, 0 resets, ] and [ step through nodes, Escape clears.',
    );
    canvas.dataset.layout = layout;
    canvas.dataset.nodes = String(g.n);
    canvas.dataset.edges = String(g.edges.length / 2);
    for (const r of radios) r.checked = r.value === layout;
    return { items: g.n, labels: [`n = ${g.n}`, `k = ${g.k}`, `ASPL ${aspl}`, `${layout} layout`] };
  }

  function applyLayout(next: TopologyLayout): void {
    layout = next;
    if (layout === 'force' && !force) force = new ForceLayout(graph!.n, graph!.edges, 1);
    resize();
    refit();
    behaviour.transform(canvasSel, zoomIdentity);
    showProgress();
    drawNow();
    if (layout === 'force' && !force!.done) requestFrame();
  }

  function markFirstFrame(): void {
    // rAF runs just before the paint; the timeout after it runs once the frame is on screen.
    requestAnimationFrame(() => setTimeout(() => performance.mark(MARK_FRAME), 0));
  }

  for (const r of radios) {
    r.addEventListener('change', () => {
      if (!r.checked || !graph || r.value === layout) return;
      applyLayout(r.value as TopologyLayout);
      markFirstFrame();
      onLayoutChange(layout, describe());
    });
  }
  q<HTMLButtonElement>('.topology-reset').addEventListener('click', () => behaviour.transform(canvasSel, zoomIdentity));

  canvas.addEventListener('pointermove', (e) => {
    // Drawing coordinates start inside the border.
    const r = canvas.getBoundingClientRect();
    const v = nodeAt(e.clientX - r.left - canvas.clientLeft, e.clientY - r.top - canvas.clientTop);
    if (v !== null) setFocus(v, true);
    else if (focusFromPointer) setFocus(null, true);
  });
  canvas.addEventListener('pointerleave', () => {
    if (focusFromPointer) setFocus(null, true);
  });
  canvas.addEventListener('keydown', (e) => {
    if (!graph || e.ctrlKey || e.metaKey || e.altKey) return;
    const pan = KEY_PAN_PX / transform.k;
    switch (e.key) {
      case '+':
      case '=':
        behaviour.scaleBy(canvasSel, KEY_ZOOM);
        break;
      case '-':
      case '_':
        behaviour.scaleBy(canvasSel, 1 / KEY_ZOOM);
        break;
      case 'ArrowLeft':
        behaviour.translateBy(canvasSel, pan, 0);
        break;
      case 'ArrowRight':
        behaviour.translateBy(canvasSel, -pan, 0);
        break;
      case 'ArrowUp':
        behaviour.translateBy(canvasSel, 0, pan);
        break;
      case 'ArrowDown':
        behaviour.translateBy(canvasSel, 0, -pan);
        break;
      case '0':
        behaviour.transform(canvasSel, zoomIdentity);
        break;
      case ']':
        setFocus(focus === null ? 0 : (focus + 1) % graph.n, false);
        break;
      case '[':
        setFocus(focus === null ? graph.n - 1 : (focus - 1 + graph.n) % graph.n, false);
        break;
      case 'Escape':
        if (focus === null) return;
        setFocus(null, false);
        break;
      default:
        return;
    }
    e.preventDefault();
  });
  window.addEventListener('resize', () => {
    if (graph && resize()) {
      refit();
      requestFrame();
    }
  });
  onThemeChange(() => {
    colors = readTopologyColors();
    requestFrame();
  });

  return {
    show(message, wanted) {
      graph = toDrawable(message);
      circular = circularLayout(graph.n);
      force = null;
      setFocus(null, false, true);
      colors = readTopologyColors();
      applyLayout(wanted);
      markFirstFrame();
      drawTopologyFacts(q('.topology-facts'), graph);
      neighbourTableOnOpen(details, q('.topology-neighbours'), graph);
      return describe();
    },
  };
}
