"""Reference edge-list readers for bench/edgeList.ts, timed the way ours is (one process per reader, wall
time of the read alone, peak RSS of the whole process from getrusage).

  /usr/bin/python3 bench/edgeList_ref.py igraph|numpy FILE   ->  one JSON line

igraph: Graph.Read_Ncol (names, the third column read as a weight; the graph with its name index is built).
numpy:  numpy.loadtxt into int64/float64 columns, then ids remapped to 0..N-1 with numpy.unique (the same
        work our reader does: parse, remap, keep the time column).
"""
import json
import resource
import sys
import time


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "igraph":
        import igraph

        version = igraph.__version__
        baseline = peak_rss_mib()
        cpu = cpu_seconds()
        t = time.perf_counter()
        g = igraph.Graph.Read_Ncol(path, names=True, weights="if_present", directed=True)
        ms = (time.perf_counter() - t) * 1000
        nodes, edges = g.vcount(), g.ecount()
    elif kind == "numpy":
        import numpy as np

        version = np.__version__
        baseline = peak_rss_mib()
        cpu = cpu_seconds()
        t = time.perf_counter()
        data = np.loadtxt(path, dtype=np.float64, comments=("#", "%"))
        ids, inverse = np.unique(data[:, :2].astype(np.int64), return_inverse=True)
        src = inverse.reshape(-1, 2)[:, 0].astype(np.int32)
        dst = inverse.reshape(-1, 2)[:, 1].astype(np.int32)
        times = np.ascontiguousarray(data[:, 2])
        ms = (time.perf_counter() - t) * 1000
        nodes, edges = len(ids), len(src)
        del times, dst
    else:
        raise SystemExit("usage: edgeList_ref.py igraph|numpy FILE")
    print(json.dumps({"reader": kind, "version": version, "ms": ms, "cpuMs": (cpu_seconds() - cpu) * 1000, "peakRssMiB": peak_rss_mib(), "baselineRssMiB": baseline, "nodes": nodes, "edges": edges}))


if __name__ == "__main__":
    main()
