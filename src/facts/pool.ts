import { Worker } from 'node:worker_threads';
import type { FileFacts } from '../types.js';
import type { FactsOptions } from './options.js';

/**
 * One file's facts or the error that stopped them, and how long parsing and extraction took.
 * `overflow`: the thread ran out of stack (a deeply nested file); a thread with a larger one can try again.
 */
export type Extracted = ({ facts: FileFacts } | { error: string; overflow?: boolean }) & { ms?: number };

/**
 * The stack of the thread that re-analyses files that overflowed a normal one (3,000 nested
 * arrows overflow the TypeScript parser; a 50,000-term `+` chain the AST walks). Only touched
 * pages are committed, so a large reservation costs nothing for a shallow file.
 */
export const DEEP_STACK_MB = 512;

const BATCH = 16;

/**
 * Worker threads that extract facts. Started as soon as files are discovered, they load the parser
 * while the main thread reads and prefilters, and parse candidates as they are submitted; the main
 * thread never loads the parser itself. Results come back per submission, in submission order.
 */
export interface FactsPool {
  readonly workers: number;
  submit(items: { file: string; text: string }[]): Promise<Extracted[]>;
  close(): Promise<void>;
}

export function startPool(workers: number, options: FactsOptions, stackSizeMb?: number): FactsPool {
  const fromSource = import.meta.url.endsWith('.ts');
  // Running from sources (tests under tsx), Node 20 does not pass loader hooks to workers: a
  // bootstrap registers tsx in the worker before importing the TypeScript entry.
  const entry: string | URL = fromSource
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => { api.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); });`
    : new URL('./worker.js', import.meta.url);
  const resourceLimits = stackSizeMb ? { resourceLimits: { stackSizeMb } } : {};
  const threads = Array.from({ length: workers }, () => new Worker(entry, { eval: fromSource, workerData: { options }, ...resourceLimits }));
  const waiting = new Map<number, (result: Extracted) => void>();
  const queue: { index: number; file: string; text: string }[] = [];
  const inFlight = new Map<Worker, number>();
  let nextIndex = 0;
  let failure: Error | undefined;

  const pump = (): void => {
    for (const thread of threads) {
      while (queue.length > 0 && (inFlight.get(thread) ?? 0) < 2) {
        thread.postMessage({ items: queue.splice(0, BATCH) });
        inFlight.set(thread, (inFlight.get(thread) ?? 0) + 1);
      }
    }
  };
  for (const thread of threads) {
    thread.on('message', (results: ({ index: number } & Extracted)[]) => {
      inFlight.set(thread, (inFlight.get(thread) ?? 1) - 1);
      for (const result of results) {
        const resolve = waiting.get(result.index);
        waiting.delete(result.index);
        resolve?.('facts' in result ? { facts: result.facts, ms: result.ms } : { error: result.error, ms: result.ms, ...(result.overflow ? { overflow: true } : {}) });
      }
      pump();
    });
    thread.once('error', (error) => {
      failure = error;
      for (const [, resolve] of waiting) resolve({ error: `worker failed: ${error.message}` });
      waiting.clear();
    });
  }

  return {
    workers,
    submit(items) {
      if (failure) return Promise.resolve(items.map(() => ({ error: `worker failed: ${failure?.message}` })));
      const promises = items.map(
        (item) =>
          new Promise<Extracted>((resolve) => {
            const index = nextIndex++;
            waiting.set(index, resolve);
            queue.push({ index, ...item });
          }),
      );
      pump();
      return Promise.all(promises);
    },
    async close() {
      await Promise.all(threads.map((thread) => thread.terminate()));
    },
  };
}
