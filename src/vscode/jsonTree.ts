/**
 * jsonc-parser (the JSON scanner VS Code itself uses), imported from its ES-module build on purpose: its
 * default `main` is a UMD wrapper whose `require('./impl/…')` calls esbuild cannot see, so a bundle built
 * from it fails at run time with "Cannot find module './impl/format'". The ESM build bundles cleanly.
 */
export { parseTree, findNodeAtLocation, type Node as JsonNode, type ParseError } from 'jsonc-parser/lib/esm/main.js';
