// The facts worker as the CLI bundle starts it (scripts/build.mjs): the code cache goes in first,
// then the worker loads, and the parser with it. A static import would run before this module's
// body, and so before the cache.
import { enableCompileCache } from './compile-cache.js';

enableCompileCache();
await import('../facts/worker.js');
