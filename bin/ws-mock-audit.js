#!/usr/bin/env node
import { createRequire } from 'node:module';
import { enableCompileCache } from '../dist/cli/compile-cache.js';
import { delayOptimisation } from '../dist/cli/tiering.js';

// Before anything loads the CLI and the parser: V8 optimises less of a short run's code (see
// src/cli/tiering.ts), and later runs reuse the compiled code (see src/cli/compile-cache.ts). The
// CLI is CommonJS so that `require` takes it through that cache.
delayOptimisation();
enableCompileCache();
const { run } = createRequire(import.meta.url)('../dist/cli/main.cjs');
process.exitCode = await run(process.argv.slice(2));
