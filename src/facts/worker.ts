import { parentPort, workerData } from 'node:worker_threads';
import { decodeChecked, readSourceBytes } from '../discover/read.js';
import { describeError, isStackOverflow } from '../errors.js';
import { createBytesPrefilter, createPrefilter, isMinifiedBytes, type BytesPrefilter } from '../prefilter/index.js';
import type { FactsOptions } from './options.js';
import type { Job, Scanned } from './pool.js';

const options = (workerData as { options: FactsOptions }).options;
let prefilter: BytesPrefilter | undefined;
/**
 * The parser loads with the first file this thread analyses: a thread that only reads and
 * prefilters (the scan parses on its own thread, `parse: false`) never loads TypeScript.
 */
let facts: typeof import('./index.js') | undefined;

function extract(file: string, text: string): Scanned {
  const started = performance.now();
  try {
    return { facts: (facts as typeof import('./index.js')).extractFacts(file, text, options), ms: performance.now() - started };
  } catch (error) {
    return { error: describeError(error), overflow: isStackOverflow(error), ms: performance.now() - started };
  }
}

/** A file given by path: read, skipped or prefiltered here, so reading runs on every thread. */
function readAndExtract(job: Extract<Job, { maxFileSize: number }>): Scanned {
  const read = readSourceBytes(job.file, job.maxFileSize);
  if (!read.ok) return { skipped: read.skipped, message: read.message };
  // Most files are dropped by the prefilter, which reads bytes: only those kept become strings.
  let decoded: string | undefined;
  const text = (): string => (decoded ??= decodeChecked(read.bytes));
  if (!job.explicit && isMinifiedBytes(job.file, read.bytes, text)) return { skipped: 'minified', message: '' };
  prefilter ??= job.prefilter ? prefilterOf(options) : () => true;
  if (!prefilter(read.bytes, text)) return { prefiltered: true };
  return job.parse ? extract(job.file, text()) : { kept: text() };
}

function prefilterOf(options: FactsOptions): BytesPrefilter {
  const bytes = createBytesPrefilter(options);
  if (bytes) return bytes;
  const test = createPrefilter(options);
  return (_, text) => test(text());
}

const needsParser = (job: Job): boolean => 'text' in job || job.parse;

// Batches are answered in the order they came (the pool counts on it), also while the parser loads.
let previous: Promise<void> = Promise.resolve();
parentPort?.on('message', ({ items }: { items: Job[] }) => {
  previous = previous.then(async () => {
    if (!facts && items.some(needsParser)) facts = await import('./index.js');
    const results = items.map((job) => ({ index: job.index, ...('text' in job ? extract(job.file, job.text) : readAndExtract(job)) }));
    parentPort?.postMessage(results);
  });
});
