#!/usr/bin/env node
require('../dist/cli.js')
  .main(process.argv)
  .then((code) => {
    // Stopped by a signal (130 SIGINT, 143 SIGTERM): leave now. Waiting for the event loop to drain
    // leaves a window in which a second Ctrl+C meets Node's teardown, where no handler runs any more and
    // the default action kills the process instead of it exiting with its code. Everything is cleaned
    // by then (the job runner removed its temporaries before main returned); stdout/stderr are
    // synchronous for files and pipes on POSIX.
    if (code === 130 || code === 143) process.exit(code);
    process.exitCode = code;
  });
