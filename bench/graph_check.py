"""Independent check of a graph file kept in bench/results: igraph's ASPL, diameter, degrees and simplicity.

Usage: /usr/bin/python3 bench/graph_check.py FILE   (an edge list "u v" per line, '#' comments; or rgp's
graph JSON). Prints one JSON object. Uses Debian's python3-igraph (apt-get install python3-igraph; hence the
system interpreter), not our kernel, so it checks what rgp graph reports.
"""
import json
import sys

if len(sys.argv) != 2:
    sys.exit('usage: /usr/bin/python3 bench/graph_check.py FILE (an edge list or rgp graph JSON)')
try:
    import igraph
except ImportError:
    sys.exit('graph_check.py needs python-igraph: apt-get install python3-igraph, then run it with /usr/bin/python3')


def read_edges(path):
    text = open(path).read()
    if text.lstrip().startswith('{'):
        d = json.loads(text)
        return d['nodes'], [tuple(e) for e in d['edges']]
    edges = [tuple(int(x) for x in line.split()) for line in text.splitlines() if line.strip() and not line.startswith('#')]
    return 1 + max(max(e) for e in edges), edges


try:
    n, edges = read_edges(sys.argv[1])
    g = igraph.Graph(n=n, edges=edges)
except (OSError, ValueError, KeyError, TypeError, igraph.InternalError) as e:
    sys.exit(f'graph_check.py: cannot read {sys.argv[1]} as an edge list or rgp graph JSON ({type(e).__name__}: {e})')
pairs = n * (n - 1)
aspl = g.average_path_length(directed=False)
print(json.dumps({
    'file': sys.argv[1], 'igraph': igraph.__version__, 'nodes': g.vcount(), 'edges': g.ecount(),
    'degrees': sorted(set(g.degree())), 'simple': g.is_simple(), 'connected': g.is_connected(),
    'aspl': aspl, 'distanceSum': round(aspl * pairs), 'diameter': g.diameter(directed=False),
}))
