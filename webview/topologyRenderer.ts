/**
 * Draws a regular graph on a 2D canvas in one pass: the edges batched into a few long paths (one stroke
 * call per 64 edges rather than per edge, which keeps 8,192 edges at 1,024 × 16 to a few milliseconds),
 * all nodes as one path, then the highlighted node's own edges and neighbours on top at full strength.
 * Edge opacity adapts to how much ink the edges would lay down, so a dense graph reads as a texture and
 * a small one as crisp lines. O(n + m) per frame.
 */
import type { DrawableGraph } from './topologyGraph';
import { themeColor } from './themeColors';

export interface TopologyColors {
  background: string;
  edge: string;
  node: string;
  highlight: string;
  focus: string;
  text: string;
  font: string;
}

/** Edges per stroke call: see drawTopology. */
const EDGE_BATCH = 64;

export function readTopologyColors(): TopologyColors {
  return {
    background: themeColor('--vscode-editor-background', '#ffffff'),
    edge: themeColor('--vscode-foreground', '#3b3b3b'),
    node: themeColor('--vscode-charts-blue', '#1a85ff'),
    highlight: themeColor('--vscode-charts-orange', '#d18616'),
    focus: themeColor('--vscode-charts-red', '#e51400'),
    text: themeColor('--vscode-foreground', '#3b3b3b'),
    font: themeColor('--vscode-font-family', 'system-ui, sans-serif'),
  };
}

/** Layout units → CSS pixels: screen = scale·p + (dx, dy). Fit and zoom compose into one of these. */
export interface Projection {
  scale: number;
  dx: number;
  dy: number;
}

export interface Frame {
  ctx: CanvasRenderingContext2D;
  /** Canvas size in CSS pixels (the backing store is these × devicePixelRatio). */
  width: number;
  height: number;
  dpr: number;
  xy: Float64Array;
  view: Projection;
  /** 0…1 opacity of the edge texture (see edgeAlpha). */
  edgeAlpha: number;
  /** Zoom factor alone, so nodes grow a little when zoomed in. */
  zoom: number;
  colors: TopologyColors;
  focus: number | null;
  neighbours: number[];
}

/**
 * Opacity such that the edges, drawn 1 px wide at the fitted view, cover about half the drawing with
 * ink: with d = (total edge length in px) / (area in px²) lines over an average pixel, 1 − (1 − a)^d ≈ 0.45.
 */
export function edgeAlpha(g: DrawableGraph, xy: Float64Array, fitScale: number, width: number, height: number): number {
  let length = 0;
  for (let e = 0; e < g.edges.length; e += 2) {
    const u = 2 * g.edges[e];
    const v = 2 * g.edges[e + 1];
    length += Math.hypot(xy[u] - xy[v], xy[u + 1] - xy[v + 1]);
  }
  const d = (length * fitScale) / Math.max(1, width * height * 0.6);
  if (d <= 0) return 0.7;
  return Math.min(0.7, Math.max(0.035, 1 - Math.pow(0.55, 1 / d)));
}

export function nodeRadius(n: number, zoom: number): number {
  const base = n > 512 ? 1.6 : n > 128 ? 2.4 : 3.5;
  return Math.min(8, base * Math.sqrt(Math.max(1, zoom)));
}

export function drawTopology(g: DrawableGraph, f: Frame): void {
  const { ctx, xy, view, colors } = f;
  const sx = (i: number) => view.scale * xy[2 * i] + view.dx;
  const sy = (i: number) => view.scale * xy[2 * i + 1] + view.dy;
  ctx.setTransform(f.dpr, 0, 0, f.dpr, 0, 0);
  ctx.globalAlpha = 1;
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, f.width, f.height);

  ctx.lineWidth = 1;
  ctx.strokeStyle = colors.edge;
  // With a node picked, the rest steps back so its neighbourhood stands out.
  ctx.globalAlpha = f.focus === null ? f.edgeAlpha : f.edgeAlpha * 0.45;
  // A stroke paints the union of its path once, so translucent edges crossing inside one path would not
  // darken each other and a dense graph would turn into a flat disc. Batches of EDGE_BATCH edges keep the
  // crossings between batches (nearly all of them) additive at a few dozen stroke calls per frame.
  for (let start = 0; start < g.edges.length; start += 2 * EDGE_BATCH) {
    ctx.beginPath();
    const end = Math.min(g.edges.length, start + 2 * EDGE_BATCH);
    for (let e = start; e < end; e += 2) {
      ctx.moveTo(sx(g.edges[e]), sy(g.edges[e]));
      ctx.lineTo(sx(g.edges[e + 1]), sy(g.edges[e + 1]));
    }
    ctx.stroke();
  }

  const r = nodeRadius(g.n, f.zoom);
  ctx.globalAlpha = f.focus === null ? 1 : 0.6;
  ctx.fillStyle = colors.node;
  ctx.beginPath();
  for (let i = 0; i < g.n; i++) {
    const x = sx(i);
    const y = sy(i);
    ctx.moveTo(x + r, y);
    ctx.arc(x, y, r, 0, 2 * Math.PI);
  }
  ctx.fill();

  if (f.focus === null) return;
  const c = f.focus;
  ctx.globalAlpha = 1;
  ctx.beginPath();
  for (const w of f.neighbours) {
    ctx.moveTo(sx(c), sy(c));
    ctx.lineTo(sx(w), sy(w));
  }
  ctx.lineWidth = 1.75;
  ctx.strokeStyle = colors.highlight;
  ctx.stroke();
  ctx.beginPath();
  for (const w of f.neighbours) {
    ctx.moveTo(sx(w) + r + 1.5, sy(w));
    ctx.arc(sx(w), sy(w), r + 1.5, 0, 2 * Math.PI);
  }
  ctx.fillStyle = colors.highlight;
  ctx.fill();
  ctx.beginPath();
  ctx.arc(sx(c), sy(c), r + 3.5, 0, 2 * Math.PI);
  ctx.fillStyle = colors.focus;
  ctx.fill();
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = colors.background;
  ctx.stroke();

  ctx.font = `12px ${colors.font}`;
  ctx.textBaseline = 'bottom';
  const label = `node ${c}`;
  const tx = Math.min(f.width - ctx.measureText(label).width - 4, sx(c) + r + 6);
  const ty = Math.max(14, sy(c) - r - 4);
  ctx.lineWidth = 3;
  ctx.strokeStyle = colors.background;
  ctx.strokeText(label, tx, ty);
  ctx.fillStyle = colors.text;
  ctx.fillText(label, tx, ty);
}
