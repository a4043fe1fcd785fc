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
    try {
      return { index, facts: extractFacts(file, text, options) };
    } catch (error) {
      return { index, error: describeError(error), overflow: isStackOverflow(error) };
    }
  });
  parentPort?.postMessage(results);
});
