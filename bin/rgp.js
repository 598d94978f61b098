#!/usr/bin/env node
require('../dist/cli.js')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
