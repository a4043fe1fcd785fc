import { parentPort } from 'node:worker_threads';
import { describeError } from '../errors.js';
import { extractFacts } from './index.js';
import type { FactsOptions } from './options.js';

interface Job {
  index: number;
  file: string;
  text: string;
  options: FactsOptions;
}

parentPort?.on('message', (job: Job) => {
  try {
    parentPort?.postMessage({ index: job.index, facts: extractFacts(job.file, job.text, job.options) });
  } catch (error) {
    parentPort?.postMessage({ index: job.index, error: describeError(error) });
  }
});
