/** The regular-graph engine: public API. Pure TypeScript (no vscode, DOM or file access). */
export type { Graph, RegularGraph } from './graph';
export { fromAdjacency, fromEdges, asRegular, edgeList, edgeCount, degree, regularOffsets } from './graph';
export { randomRegularGraph, validateRegularParams, isConnectedAdj, MAX_ENTRIES } from './regularGraph';
export { ringLattice, ringLatticeAspl } from './ringLattice';
export { mooreBound, mooreGapPct, type MooreBound } from './mooreBound';
export { bestKnownAspl, type BestKnown } from './bestKnown';
export { aspl, AsplEvaluator, limitToSum, defaultEvaluator, type DistanceResult, type AsplOptions, type KernelChoice, type KernelKind, type EvaluatorOptions } from './aspl';
export { wasmKernelAvailable } from './asplKernelWasm';
export { SwapState } from './proxyObjective';
export {
  searchRegularGraph,
  autoPlan,
  defaultSwapBudget,
  polishSwaps,
  type SearchOptions,
  type SearchResult,
  type SearchSample,
  type HistoryPoint,
  type SearchObjective,
} from './swapSearch';
export { degreeCheck, averageClustering, graphMetrics, type DegreeCheck, type GraphMetrics } from './metrics';
export { parseEdgeList, parseGraphJson, parseGraph, toEdgeListText, toGraphJson, type ParsedGraph } from './graphIO';
