/**
 * ASPL evaluation speed, side by side in one run: our WASM-SIMD kernel, our TypeScript fallback,
 * python-igraph and networkx (Debian packages, run with /usr/bin/python3) on the same random regular
 * graphs. Only the ASPL call is timed on every side; median of several repetitions.
 * Run: npx tsx bench/aspl.ts   (prints JSON)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsplEvaluator } from '../src/core/graph/aspl';
import { wasmKernelAvailable } from '../src/core/graph/asplKernelWasm';
import { toEdgeListText } from '../src/core/graph/graphIO';
import { randomRegularGraph } from '../src/core/graph/regularGraph';

const PY = `
import sys, json, time, statistics
import igraph, networkx as nx
path, reps_ig, reps_nx = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
edges = [tuple(map(int, l.split())) for l in open(path) if l.strip() and not l.startswith('#')]
n = 1 + max(max(e) for e in edges)
g = igraph.Graph(n=n, edges=edges, directed=False)
G = nx.Graph(); G.add_nodes_from(range(n)); G.add_edges_from(edges)
def bench(f, reps):
    ts, v = [], None
    for _ in range(reps):
        t = time.perf_counter(); v = f(); ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts), v
ig_ms, ig_v = bench(lambda: g.average_path_length(directed=False), reps_ig)
nx_ms, nx_v = bench(lambda: nx.average_shortest_path_length(G), reps_nx)
print(json.dumps({"igraph_ms": ig_ms, "igraph_aspl": ig_v, "networkx_ms": nx_ms, "networkx_aspl": nx_v,
                  "igraph_version": igraph.__version__, "networkx_version": nx.__version__, "reps_igraph": reps_ig, "reps_networkx": reps_nx}))
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timeIt(f: () => void, minMs = 300, minReps = 5): number {
  f(); // warm-up (JIT, buffers)
  const ts: number[] = [];
  const t0 = performance.now();
  while (ts.length < minReps || performance.now() - t0 < minMs) {
    const t = performance.now();
    f();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

const dir = mkdtempSync(join(tmpdir(), 'rgp-bench-'));
const pyFile = join(dir, 'aspl.py');
writeFileSync(pyFile, PY);
const rows: unknown[] = [];
try {
  for (const [n, k, repsNx] of [[256, 8, 5], [1024, 16, 3], [4096, 32, 1]]) {
    const g = randomRegularGraph(n, k, 1);
    const wasm = new AsplEvaluator({ kernel: 'wasm' });
    const ts = new AsplEvaluator({ kernel: 'ts' });
    const ours = wasm.evaluate(g).aspl;
    const oursTs = ts.evaluate(g).aspl;
    const wasmMs = timeIt(() => wasm.evaluate(g));
    const tsMs = timeIt(() => ts.evaluate(g));
    const edgeFile = join(dir, `g${n}.txt`);
    writeFileSync(edgeFile, toEdgeListText(g));
    const py = JSON.parse(execFileSync('/usr/bin/python3', [pyFile, edgeFile, '5', String(repsNx)], { encoding: 'utf8', maxBuffer: 1 << 24 }));
    const same = [oursTs, py.igraph_aspl, py.networkx_aspl].every((v: number) => Math.abs(v - ours) < 1e-9);
    rows.push({
      n,
      k,
      aspl: ours,
      sameAsplAllFour: same,
      wasmMs: +wasmMs.toFixed(4),
      tsMs: +tsMs.toFixed(4),
      igraphMs: +py.igraph_ms.toFixed(3),
      networkxMs: +py.networkx_ms.toFixed(1),
      speedupVsIgraph: +(py.igraph_ms / wasmMs).toFixed(1),
      speedupVsNetworkx: +(py.networkx_ms / wasmMs).toFixed(0),
      tsSpeedupVsIgraph: +(py.igraph_ms / tsMs).toFixed(1),
      wasmVsTs: +(tsMs / wasmMs).toFixed(1),
      reps: { ours: 'median of ≥5 (≥300 ms)', igraph: py.reps_igraph, networkx: py.reps_networkx },
    });
    process.stderr.write(`done (${n},${k})\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const pyv = JSON.parse(execFileSync('/usr/bin/python3', ['-c', 'import json, igraph, networkx; print(json.dumps([igraph.__version__, networkx.__version__]))'], { encoding: 'utf8' }));
console.log(JSON.stringify({ bench: 'aspl', node: process.version, wasmSimd: wasmKernelAvailable(), igraph: pyv[0], networkx: pyv[1], rows }, null, 2));
