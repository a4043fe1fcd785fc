#!/usr/bin/env node
import { createRequire } from 'node:module';
import { enableCompileCache } from '../dist/cli/compile-cache.js';

// Before anything loads the CLI and the parser: later runs reuse their compiled code (see
// src/cli/compile-cache.ts). The CLI is CommonJS so that `require` takes it through that cache.
enableCompileCache();
const { run } = createRequire(import.meta.url)('../dist/cli/main.cjs');
process.exitCode = await run(process.argv.slice(2));
