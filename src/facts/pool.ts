import { Worker } from 'node:worker_threads';
import type { FileFacts } from '../types.js';
import type { FactsOptions } from './options.js';

export type Extracted = { facts: FileFacts } | { error: string };

/** Below this many files, starting workers (each loads the parser) costs more than it saves. */
const MIN_FILES_PER_WORKER = 48;

/**
 * Extracts facts for many files on `jobs` worker threads, returning results in input order, so the
 * outcome is identical to running in-process; small batches run in-process.
 */
export async function extractInParallel(
  items: { file: string; text: string }[],
  options: FactsOptions,
  jobs: number,
  inProcess: (file: string, text: string) => Extracted,
): Promise<{ results: Extracted[]; workers: number }> {
  const workers = Math.min(jobs, Math.floor(items.length / MIN_FILES_PER_WORKER));
  if (workers <= 1) return { results: items.map(({ file, text }) => inProcess(file, text)), workers: 0 };
  const fromSource = import.meta.url.endsWith('.ts');
  // Running from sources (tests under tsx), Node 20 does not pass loader hooks to workers: a
  // bootstrap registers tsx in the worker before importing the TypeScript entry.
  const entry: string | URL = fromSource
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => { api.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); });`
    : new URL('./worker.js', import.meta.url);
  const workerOptions = fromSource ? { eval: true } : {};
  const results: Extracted[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(entry, workerOptions);
        const feed = (): void => {
          if (next >= items.length) {
            void worker.terminate().then(() => resolve());
            return;
          }
          const index = next++;
          const item = items[index];
          worker.postMessage({ index, file: item?.file, text: item?.text, options });
        };
        worker.on('message', (message: { index: number } & Extracted) => {
          results[message.index] = 'facts' in message ? { facts: message.facts } : { error: message.error };
          feed();
        });
        worker.once('error', reject);
        feed();
      }),
    ),
  );
  return { results, workers };
}
