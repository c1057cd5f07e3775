// The experiment is a folder now (experiment/index.ts). This file keeps the old import path working for
// src/cli/experiments.ts until the CLI imports from research/index.js; then delete it.
export * from './experiment/index.js';
