import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gnnReportBlocks } from '../../scripts/experiments/gnnTables';
import { readBlocks, replaceBlocks } from '../../scripts/experiments/markdownTables';
import { resnetBlocks } from '../../scripts/experiments/mnistResnetTables';
import { mnistRgpBlocks } from '../../scripts/experiments/mnist-rgp-sweep';

const DOCS = join(__dirname, '..', '..', 'docs', 'experiments');

/** Every generated block of the report equals what its data render to, and every marker is rendered. */
async function check(report: string, blocks: Record<string, string>): Promise<void> {
  const md = await readFile(join(DOCS, report), 'utf8');
  const inReport = readBlocks(md);
  assert.deepEqual([...inReport.keys()].sort(), Object.keys(blocks).sort(), `${report}: markers and rendered tables differ`);
  for (const [name, text] of Object.entries(blocks)) assert.equal(inReport.get(name), text, `${report}: table ${name} is not what its data render to (npx tsx scripts/experiments/… render)`);
}

test('gnn-sparsification.md: every table is rendered from data/gnn-sparsification/*.json', async () => {
  await check('gnn-sparsification.md', await gnnReportBlocks(join(DOCS, 'data', 'gnn-sparsification')));
});

test('mnist-resnet-sweep.md: every table is rendered from data/mnist-resnet-sweep/*.json', async () => {
  await check('mnist-resnet-sweep.md', await resnetBlocks(join(DOCS, 'data', 'mnist-resnet-sweep')));
});

test('mnist-rgp-sweep.md: every table is rendered from data/mnist-rgp-sweep/*.json', async () => {
  await check('mnist-rgp-sweep.md', await mnistRgpBlocks(join(DOCS, 'data', 'mnist-rgp-sweep')));
});

test('the block markers: a changed number is detected, a missing marker is refused', () => {
  const md = 'text\n<!-- table:a -->\n| x |\n<!-- /table:a -->\nmore\n';
  assert.equal(readBlocks(md).get('a'), '| x |\n');
  assert.equal(replaceBlocks(md, { a: '| y |\n' }), 'text\n<!-- table:a -->\n| y |\n<!-- /table:a -->\nmore\n');
  assert.notEqual(readBlocks(replaceBlocks(md, { a: '| y |\n' })).get('a'), '| x |\n');
  assert.throws(() => replaceBlocks(md, { b: '| z |\n' }), /no markers for b/);
});
