#!/usr/bin/env node
import { enableCompileCache, run } from '../dist/cli/main.js';

// Before anything loads the parser: later runs reuse its compiled code (see src/cli/compile-cache.ts).
enableCompileCache();
process.exitCode = await run(process.argv.slice(2));
