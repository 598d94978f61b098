/**
 * Reading and writing graphs as text handed in (no file access here).
 *
 * Edge-list text: one edge `u v` per line (whitespace or comma separated; further columns such as weights
 * or timestamps are ignored), blank lines and lines starting with `#` or `%` are comments. Node ids are
 * non-negative integers; n = largest id + 1. If no edge uses id 0 and the smallest id is 1 the file is read
 * as 1-based (Matrix Market / Pajek habit) — pass `base` to force either.
 *
 * JSON: { "nodes": n, "edges": [[u, v], ...] } with 0-based ids (extra fields are ignored, so the files
 * written by `rgp graph --out` read back).
 */
import { RgpError } from '../errors';
import { checkJsonDepth } from '../jsonDepth';
import { edgeList, fromEdges, type Graph } from './graph';

export interface ParsedGraph {
  graph: Graph;
  /** The id base used when reading (0 or 1). */
  base: 0 | 1;
}

export function parseEdgeList(text: string, opts: { base?: 0 | 1 | 'auto' } = {}): ParsedGraph {
  const edges: Array<[number, number]> = [];
  const lines: number[] = [];
  const rows = text.split(/\r?\n/);
  let min = Infinity, max = -Infinity;
  for (let li = 0; li < rows.length; li++) {
    const line = rows[li].trim();
    if (line === '' || line.startsWith('#') || line.startsWith('%')) continue;
    const tok = line.split(/[\s,]+/);
    if (tok.length < 2) {
      throw new RgpError('BAD_GRAPH', `line ${li + 1}: expected two node ids "u v", got "${line.slice(0, 60)}".`, 'Write one edge per line as two integers separated by a space; start comments with # or %.');
    }
    const ids: number[] = [];
    for (const t of tok.slice(0, 2)) {
      if (!/^\d+$/.test(t) || !Number.isSafeInteger(Number(t))) {
        throw new RgpError('BAD_GRAPH', `line ${li + 1}: "${t.slice(0, 30)}" is not a node id (a non-negative integer).`, 'Node ids must be integers 0, 1, 2, …');
      }
      ids.push(Number(t));
    }
    const [u, v] = ids;
    min = Math.min(min, u, v);
    max = Math.max(max, u, v);
    edges.push([u, v]);
    lines.push(li + 1);
  }
  if (edges.length === 0) throw new RgpError('BAD_GRAPH', 'The edge list has no edges.', 'Write one edge per line as "u v".');
  let base: 0 | 1 = 0;
  if (opts.base === 1 || ((opts.base ?? 'auto') === 'auto' && min === 1)) base = 1;
  if (base === 1 && min === 0) throw new RgpError('BAD_GRAPH', 'The edge list was read as 1-based but uses node id 0.', 'Use 0-based ids, or drop the 1-based option.');
  if (max - base + 1 > 1 << 24) throw new RgpError('BAD_GRAPH', `Node id ${max} is too large (more than ${1 << 24} nodes).`, 'Renumber the nodes from 0.');
  const shifted = base === 1 ? edges.map(([u, v]) => [u - 1, v - 1] as [number, number]) : edges;
  const graph = fromEdges(max - base + 1, shifted, (i) => `line ${lines[i]}`);
  return { graph, base };
}

export function parseGraphJson(text: string): Graph {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RgpError('BAD_GRAPH', `The graph file is not valid JSON (${(e as Error).message}).`, 'Give {"nodes": n, "edges": [[u, v], ...]} or an edge-list text file.');
  }
  checkJsonDepth(data, 'The graph file', 'BAD_GRAPH');
  const o = data as { nodes?: unknown; edges?: unknown };
  if (typeof o !== 'object' || o === null || !Array.isArray(o.edges)) {
    throw new RgpError('BAD_GRAPH', 'The JSON graph has no "edges" array.', 'Give {"nodes": n, "edges": [[u, v], ...]}.');
  }
  const edges: Array<[number, number]> = [];
  let max = -1;
  for (let i = 0; i < o.edges.length; i++) {
    const e = o.edges[i] as unknown;
    if (!Array.isArray(e) || e.length < 2 || typeof e[0] !== 'number' || typeof e[1] !== 'number') {
      throw new RgpError('BAD_GRAPH', `edges[${i}] is not a pair of node ids.`, 'Each edge must be [u, v] with integer ids.');
    }
    edges.push([e[0], e[1]]);
    max = Math.max(max, e[0], e[1]);
  }
  let n: number;
  if (o.nodes === undefined) n = max + 1;
  else if (typeof o.nodes === 'number' && Number.isInteger(o.nodes) && o.nodes >= 1) n = o.nodes;
  else throw new RgpError('BAD_GRAPH', `"nodes" must be a positive integer, got ${JSON.stringify(o.nodes)}.`, 'Set "nodes" to the node count.');
  return fromEdges(n, edges, (i) => `edges[${i}]`);
}

/** Edge-list text or JSON, by content (JSON starts with `{`). */
export function parseGraph(text: string): Graph {
  return text.trimStart().startsWith('{') ? parseGraphJson(text) : parseEdgeList(text).graph;
}

export function toEdgeListText(g: Graph, header?: string): string {
  const lines = header ? header.split('\n').map((l) => `# ${l}`) : [];
  for (const [u, v] of edgeList(g)) lines.push(`${u} ${v}`);
  return lines.join('\n') + '\n';
}

export function toGraphJson(g: Graph): { nodes: number; edges: Array<[number, number]> } {
  return { nodes: g.n, edges: edgeList(g) };
}
