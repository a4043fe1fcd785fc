import { parentPort, workerData } from 'node:worker_threads';
import { describeError, isStackOverflow } from '../errors.js';
import { extractFacts } from './index.js';
import type { FactsOptions } from './options.js';

interface Batch {
  items: { index: number; file: string; text: string }[];
}

const options = (workerData as { options: FactsOptions }).options;

parentPort?.on('message', ({ items }: Batch) => {
  const results = items.map(({ index, file, text }) => {
    const started = performance.now();
    try {
      const facts = extractFacts(file, text, options);
      return { index, facts, ms: performance.now() - started };
    } catch (error) {
      return { index, error: describeError(error), overflow: isStackOverflow(error), ms: performance.now() - started };
    }
  });
  parentPort?.postMessage(results);
});
