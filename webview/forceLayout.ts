/**
 * Force-directed layout with d3-force (links pull neighbours together, many-body repulsion by Barnes–Hut
 * in O(n log n) per tick, a weak pull to the centre keeps the cloud round), advanced a time-boxed batch of
 * ticks per animation frame so the first frame is never held up: the caller draws after each `advance`.
 * Deterministic: the start is the phyllotaxis spiral d3 uses for unplaced nodes and d3's jitter draws from
 * a seeded generator, so the same graph gives the same picture. Cost per tick ≈ O(n log n + m).
 */
import { forceLink, forceManyBody, forceSimulation, forceX, forceY, type SimulationNodeDatum } from 'd3-force';
import { Random } from '../src/core/random';

/**
 * Ticks of the cooling schedule (alpha 1 → 0.001). d3's default is 300; half that is visually the same
 * for these graphs (regular graphs have no clusters for extra ticks to untangle) and the Barnes–Hut step
 * dominates at ≈ 5 ms per tick for 1,024 nodes, so the layout settles in about a second, not two.
 */
export const FORCE_TICKS = 150;

interface Node extends SimulationNodeDatum {
  index: number;
}

export class ForceLayout {
  readonly xy: Float64Array;
  ticks = 0;
  private readonly nodes: Node[];
  private readonly simulation;

  constructor(n: number, edges: Int32Array, seed = 1) {
    // Phyllotaxis: radius ∝ √i, angle i·golden angle — evenly spread, no overlaps, no randomness.
    const golden = Math.PI * (3 - Math.sqrt(5));
    this.nodes = Array.from({ length: n }, (_, i) => {
      const r = 10 * Math.sqrt(0.5 + i);
      return { index: i, x: r * Math.cos(i * golden), y: r * Math.sin(i * golden) };
    });
    const links = [];
    for (let e = 0; e < edges.length; e += 2) links.push({ source: edges[e], target: edges[e + 1] });
    const rng = new Random(seed);
    this.simulation = forceSimulation<Node>(this.nodes)
      .randomSource(() => rng.float())
      .alphaDecay(1 - Math.pow(0.001, 1 / FORCE_TICKS))
      .force('link', forceLink<Node, { source: number; target: number }>(links).distance(30).iterations(1))
      .force('charge', forceManyBody<Node>().strength(-30).theta(0.9))
      .force('x', forceX<Node>(0).strength(0.04))
      .force('y', forceY<Node>(0).strength(0.04))
      .stop();
    this.xy = new Float64Array(2 * n);
    this.copy();
  }

  get done(): boolean {
    return this.ticks >= FORCE_TICKS;
  }

  /** Runs ticks until `budgetMs` has passed (at least one), or the layout is done. Returns whether it is done. */
  advance(budgetMs: number): boolean {
    const start = performance.now();
    while (!this.done) {
      this.simulation.tick();
      this.ticks++;
      if (performance.now() - start >= budgetMs) break;
    }
    this.copy();
    return this.done;
  }

  private copy(): void {
    for (const d of this.nodes) {
      this.xy[2 * d.index] = d.x ?? 0;
      this.xy[2 * d.index + 1] = d.y ?? 0;
    }
  }
}
