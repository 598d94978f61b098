/**
 * Reading edge lists and node-label lists from disk as a stream: the file is read in 1 MiB chunks, gunzipped
 * on the fly when its first two bytes are the gzip magic (1f 8b; the name is not trusted), and each chunk is
 * handed to the byte parser of src/core/data/edgeList.ts — so memory is the parsed arrays, not the text.
 * Progress is reported as the fraction of the file's (compressed) bytes read; cancellation is checked
 * between chunks. O(file size) time.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { EdgeListParser, NodeLabelParser, type EdgeListStats, type NodeLabels, type TemporalEdges } from '../core/data/edgeList';
import { RgpError } from '../core/errors';
import { quietContext, type JobContext } from '../core/job';
import { fsError } from './readBytes';

const CHUNK = 1 << 20;

export interface ReadEdgeListOptions {
  /** 0-based column of the timestamp; null ignores any time column; default: see edgeList.ts. */
  timeColumn?: number | null;
  ctx?: JobContext;
  /** Receives the parser's counts (lines, comments, self-loops, the time column used). */
  onStats?: (stats: EdgeListStats) => void;
}

/** Reads a SNAP / Network-Repository edge list (plain or gzip) into typed arrays. */
export async function readEdgeList(path: string, opts: ReadEdgeListOptions = {}): Promise<TemporalEdges> {
  const ctx = opts.ctx ?? quietContext;
  const { size, gzip } = await probe(path);
  const parser = new EdgeListParser({ source: basename(path), ...(opts.timeColumn !== undefined ? { timeColumn: opts.timeColumn } : {}) });
  let first = true;
  await streamChunks(path, size, gzip, 'reading edges', ctx, (chunk) => {
    parser.push(chunk);
    // A plain file's size over the first chunk's bytes per line estimates the edge count, so the arrays are
    // sized once instead of regrown (and copied) a dozen times.
    if (first && !gzip && size > 4 * chunk.length && parser.lines > 0) parser.reserve((1.02 * size * parser.lines) / chunk.length);
    first = false;
  });
  const edges = parser.finish();
  opts.onStats?.(parser.stats());
  ctx.progress.report({ fraction: 1, message: `${edges.edgeCount} edges, ${edges.nodeCount} nodes` });
  return edges;
}

/**
 * Reads `node label` rows for the nodes of `edges` (ids as in the edge-list file). Nodes without a row get
 * -1; rows naming ids the edge list lacks are counted (`unknownNodes`) and ignored.
 */
export async function readNodeLabels(path: string, edges: TemporalEdges, opts: { ctx?: JobContext } = {}): Promise<NodeLabels> {
  const ctx = opts.ctx ?? quietContext;
  const { size, gzip } = await probe(path);
  const parser = new NodeLabelParser(edges, basename(path));
  await streamChunks(path, size, gzip, 'reading labels', ctx, (chunk) => parser.push(chunk));
  return parser.finish();
}

async function probe(path: string): Promise<{ size: number; gzip: boolean }> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw fsError(path, e);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw fsError(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    const head = new Uint8Array(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return { size: st.size, gzip: bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b };
  } catch (e) {
    throw fsError(path, e);
  } finally {
    await fh.close();
  }
}

async function streamChunks(
  path: string,
  size: number,
  gzip: boolean,
  what: string,
  ctx: JobContext,
  onChunk: (chunk: Uint8Array) => void,
): Promise<void> {
  ctx.signal.throwIfCancelled();
  const file = createReadStream(path, { highWaterMark: CHUNK });
  const stream: Readable = gzip ? pipeline(file, createGunzip({ chunkSize: CHUNK }), () => {}) : file;
  let lastReport = -1;
  try {
    for await (const chunk of stream) {
      ctx.signal.throwIfCancelled();
      onChunk(chunk as Uint8Array);
      const fraction = size > 0 ? Math.min(1, file.bytesRead / size) : 1;
      if (fraction - lastReport >= 0.01) {
        lastReport = fraction;
        ctx.progress.report({ fraction, message: `${what}: ${(file.bytesRead / 1048576).toFixed(0)} of ${(size / 1048576).toFixed(0)} MiB` });
      }
    }
  } catch (e) {
    if (e instanceof RgpError) throw e;
    const code = (e as { code?: string }).code;
    if (gzip && typeof code === 'string' && code.startsWith('Z_')) {
      throw new RgpError(
        'UNREADABLE_FILE',
        `${path} starts like a gzip file but cannot be decompressed (${(e as Error).message}).`,
        'The file is probably truncated or damaged; download or copy it again.',
      );
    }
    throw fsError(path, e);
  } finally {
    file.destroy();
    stream.destroy();
  }
}
