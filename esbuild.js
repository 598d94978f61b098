// One build for everything that ships: the extension, its job worker, the CLI (Node, CommonJS) and the
// webview (browser, IIFE), plus tfjs's wasm binaries copied next to the Node bundles.
// `node esbuild.js` builds once, `--watch` rebuilds on change, `--production` minifies,
// `--tests` also bundles the integration-test runner (it must not ship in the .vsix).
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const args = new Set(process.argv.slice(2));
const watch = args.has('--watch');
const production = args.has('--production');
const withTests = args.has('--tests');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // tfjs-node is optional and native: load it at run time if present, never bundle it; onnxruntime-node is native too (its .node binaries load from node_modules).
  external: ['vscode', '@tensorflow/tfjs-node', 'onnxruntime-node'],
};

const builds = [
  { ...node, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { worker: 'src/worker/main.ts', searchChain: 'src/worker/searchChain.ts', cli: 'src/cli.ts' }, outdir: 'dist' },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
  },
];
if (withTests) {
  const suites = fs.readdirSync('test/integration/suite').filter((f) => f.endsWith('.test.ts'));
  builds.push({
    ...node,
    entryPoints: {
      'integration/index': 'test/integration/index.ts',
      'integration/vsixIndex': 'test/integration/vsixIndex.ts',
      ...Object.fromEntries(suites.map((f) => [`integration/suite/${f.replace(/\.ts$/, '')}`, `test/integration/suite/${f}`])),
    },
    outdir: 'dist-test',
    external: [...node.external, 'mocha'],
  });
}

function copyWasm() {
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const wasmDir = path.join(dir, 'dist');
  fs.mkdirSync('dist', { recursive: true });
  for (const f of fs.readdirSync(wasmDir)) if (f.endsWith('.wasm')) fs.copyFileSync(path.join(wasmDir, f), path.join('dist', f));
}

async function main() {
  copyWasm();
  if (watch) {
    const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('[esbuild] watching for changes');
  } else {
    const t0 = Date.now();
    await Promise.all(builds.map((b) => esbuild.build(b)));
    console.log(`[esbuild] built ${builds.length} bundles in ${Date.now() - t0} ms`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
