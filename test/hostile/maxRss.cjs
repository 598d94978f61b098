// Preloaded into a CLI run by the hostile-input test: on exit, writes the process's peak resident memory
// (KiB, all threads) to the file named by RGP_TEST_MAXRSS_FILE.
const { writeFileSync } = require('node:fs');
const out = process.env.RGP_TEST_MAXRSS_FILE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
