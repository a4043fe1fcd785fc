import { parentPort, workerData } from 'node:worker_threads';
import { readSource } from '../discover/read.js';
import { describeError, isStackOverflow } from '../errors.js';
import { createPrefilter, isMinified, type Prefilter } from '../prefilter/index.js';
import { extractFacts } from './index.js';
import type { FactsOptions } from './options.js';
import type { Job, Scanned } from './pool.js';

const options = (workerData as { options: FactsOptions }).options;
let prefilter: Prefilter | undefined;

function extract(file: string, text: string): Scanned {
  const started = performance.now();
  try {
    return { facts: extractFacts(file, text, options), ms: performance.now() - started };
  } catch (error) {
    return { error: describeError(error), overflow: isStackOverflow(error), ms: performance.now() - started };
  }
}

/** A file given by path: read, skipped or prefiltered here, so reading runs on every thread. */
function readAndExtract(job: Extract<Job, { maxFileSize: number }>): Scanned {
  const read = readSource(job.file, job.maxFileSize);
  if (!read.ok) return { skipped: read.skipped, message: read.message };
  if (!job.explicit && isMinified(job.file, read.text)) return { skipped: 'minified', message: '' };
  prefilter ??= job.prefilter ? createPrefilter(options) : () => true;
  if (!prefilter(read.text)) return { prefiltered: true };
  return extract(job.file, read.text);
}

parentPort?.on('message', ({ items }: { items: Job[] }) => {
  const results = items.map((job) => ({ index: job.index, ...('text' in job ? extract(job.file, job.text) : readAndExtract(job)) }));
  parentPort?.postMessage(results);
});
