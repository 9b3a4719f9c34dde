#!/usr/bin/env node
// Runs the CLI as plain JavaScript from dist/, built from src/ first when dist/ is missing or older than its sources
// (a fresh clone, an edited file). Through tsx only when no build can be made here, e.g. a read-only install.
const { ensureBuilt } = require('../scripts/build.js');

ensureBuilt().then(
  (cli) => {
    if (cli) return require(cli).run(process.argv);
    require('tsx/cjs');
    require('tsx/esm/api').register();
    return require('../src/cli/main.ts').run(process.argv);
  },
  (err) => {
    console.error(`dondoc: không dựng được mã chạy từ src/ (build failed):\n${err.message}`);
    process.exit(1);
  },
);
