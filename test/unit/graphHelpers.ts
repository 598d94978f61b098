/** Test-only helpers: graphs with known answers and a plain textbook BFS to check the kernels against. */
import assert from 'node:assert/strict';
import { fromEdges, type Graph } from '../../src/core/graph/graph';
import { Random } from '../../src/core/random';
import type { HistoryPoint, SearchSample } from '../../src/core/graph/swapSearch';

export function petersen(): Graph {
  const e: Array<[number, number]> = [];
  for (let i = 0; i < 5; i++) {
    e.push([i, (i + 1) % 5]); // outer cycle
    e.push([i, i + 5]); // spokes
    e.push([5 + i, 5 + ((i + 2) % 5)]); // inner pentagram
  }
  return fromEdges(10, e);
}

export function complete(n: number): Graph {
  const e: Array<[number, number]> = [];
  for (let u = 0; u < n; u++) for (let v = u + 1; v < n; v++) e.push([u, v]);
  return fromEdges(n, e);
}

export function cycle(n: number): Graph {
  return fromEdges(n, Array.from({ length: n }, (_, i) => [i, (i + 1) % n] as [number, number]));
}

export function hypercube(d: number): Graph {
  const n = 1 << d;
  const e: Array<[number, number]> = [];
  for (let v = 0; v < n; v++) for (let b = 0; b < d; b++) if ((v ^ (1 << b)) > v) e.push([v, v ^ (1 << b)]);
  return fromEdges(n, e);
}

/** An Erdős–Rényi G(n, p) graph (irregular, possibly disconnected). */
export function gnp(n: number, p: number, seed: number): Graph {
  const r = new Random(seed);
  const e: Array<[number, number]> = [];
  for (let u = 0; u < n; u++) for (let v = u + 1; v < n; v++) if (r.float() < p) e.push([u, v]);
  return fromEdges(n, e);
}

/** Textbook BFS from every node: the distance sum over ordered pairs and the diameter (Infinity if disconnected). */
export function plainBfs(g: Graph): { sum: number; diameter: number } {
  const { n, offsets, neighbors } = g;
  let sum = 0, diameter = 0;
  const dist = new Int32Array(n);
  const queue = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    dist.fill(-1);
    dist[s] = 0;
    let head = 0, tail = 0;
    queue[tail++] = s;
    while (head < tail) {
      const v = queue[head++];
      for (let i = offsets[v]; i < offsets[v + 1]; i++) {
        const w = neighbors[i];
        if (dist[w] < 0) {
          dist[w] = dist[v] + 1;
          queue[tail++] = w;
        }
      }
    }
    if (tail < n) return { sum: Infinity, diameter: Infinity };
    for (let v = 0; v < n; v++) {
      sum += dist[v];
      if (dist[v] > diameter) diameter = dist[v];
    }
  }
  return { sum, diameter };
}

/** Asserts that a flat n×k adjacency is a simple k-regular graph (symmetric, no loops, no multi-edges). */
export function checkSimpleRegular(n: number, k: number, adj: Int32Array): string | null {
  if (adj.length !== n * k) return `length ${adj.length} ≠ ${n * k}`;
  const seen = new Set<number>();
  for (let v = 0; v < n; v++) {
    for (let i = 0; i < k; i++) {
      const w = adj[v * k + i];
      if (!(w >= 0 && w < n)) return `bad id ${w} in row ${v}`;
      if (w === v) return `self-loop at ${v}`;
      if (seen.has(v * n + w)) return `multi-edge ${v}-${w}`;
      seen.add(v * n + w);
    }
  }
  for (let v = 0; v < n; v++) for (let i = 0; i < k; i++) if (!seen.has(adj[v * k + i] * n + v)) return `asymmetric ${v}-${adj[v * k + i]}`;
  return null;
}

/** A search's live samples and history run forward: swaps and fraction never fall, the best ASPL never rises. */
export function assertRunsForward(samples: readonly SearchSample[], history: readonly HistoryPoint[]): void {
  for (let i = 1; i < samples.length; i++) {
    assert.ok(samples[i].swapsTried >= samples[i - 1].swapsTried);
    assert.ok(samples[i].bestAspl <= samples[i - 1].bestAspl + 1e-12);
    assert.ok(samples[i].fraction >= samples[i - 1].fraction - 1e-12 && samples[i].fraction <= 1 + 1e-12);
  }
  for (let i = 1; i < history.length; i++) assert.ok(history[i].swapsTried >= history[i - 1].swapsTried && history[i].bestAspl <= history[i - 1].bestAspl);
}
