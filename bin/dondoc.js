#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so `npx dondoc` works straight after `npm install`, without a build step.
require('tsx/cjs');
require('../src/cli/main.ts').run(process.argv);
