import { parentPort, workerData } from 'node:worker_threads';
import { discoverFiles } from '../discover/files.js';
import { AuditError, UsageError, describeError, isStackOverflow } from '../errors.js';
import { createFileReader, readInputs } from '../prefilter/files.js';
import type { FactsOptions } from './options.js';
import type { Discovery, Input } from '../discover/files.js';
import { BY_WORKER, claimBatch, READ_BATCH, type Job, type Scanned, type WalkMessage, type WalkRequest } from './pool.js';

const options = (workerData as { options: FactsOptions }).options;
/**
 * The parser loads with the first file this thread analyses: a thread that only walks, reads and
 * prefilters (the scan parses on its own thread) never loads TypeScript.
 */
let facts: typeof import('./index.js') | undefined;
/** By whether the prefilter is on. */
const readers = new Map<boolean, ReturnType<typeof createFileReader>>();

function readerFor(prefilter: boolean): ReturnType<typeof createFileReader> {
  let reader = readers.get(prefilter);
  if (!reader) readers.set(prefilter, (reader = createFileReader(options, prefilter)));
  return reader;
}

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
  const outcome = readerFor(job.prefilter)(job.file, job.maxFileSize, job.explicit);
  return 'kept' in outcome ? extract(job.file, outcome.kept) : outcome;
}

/**
 * Walks the tree as the scan would, sending what it finds in numbered batches (`listing`) and then
 * the whole discovery (`listed`); then reads and prefilters the batches in order, each one it claims
 * before the scan does (the scan reads batches from the other end while it has nothing to parse),
 * and sends their outcomes (`walked`), then `readDone`. A walk that stops sends what stopped it.
 */
function walkAndRead({ paths, cwd, config, includeTests, prefilter, claims }: WalkRequest): void {
  const post = (message: WalkMessage): void => parentPort?.postMessage(message);
  const batches: Input[][] = [];
  let batch: Input[] = [];
  const list = (): void => {
    if (batch.length === 0) return;
    post({ listing: { batch: batches.length, files: batch } });
    batches.push(batch);
    batch = [];
  };
  let discovery: Discovery;
  try {
    discovery = discoverFiles(paths, cwd, config, includeTests, undefined, (input) => {
      if (batch.push(input) >= READ_BATCH) list();
    });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    post({ walkFailed: { message: failure.message, hint: failure instanceof AuditError ? failure.hint : undefined, usage: failure instanceof UsageError, stack: failure.stack } });
    return;
  }
  list();
  post({ listed: discovery });
  const read = readerFor(prefilter);
  batches.forEach((files, id) => {
    if (claimBatch(claims, id, BY_WORKER)) post({ walked: readInputs(read, files, config.maxFileSize) });
  });
  post({ readDone: true });
}

// Batches are answered in the order they came (the pool counts on it), also while the parser loads.
let previous: Promise<void> = Promise.resolve();
parentPort?.on('message', (message: { items: Job[]; claims?: Int32Array } | { walk: WalkRequest }) => {
  if ('walk' in message) return walkAndRead(message.walk);
  const { items, claims } = message;
  previous = previous.then(async () => {
    facts ??= await import('./index.js');
    // With `claims` (files lent by a scan), an item the scan took back first is left to it.
    const results = items.map((job) => {
      if (claims && !claimBatch(claims, job.index, BY_WORKER)) return { index: job.index, taken: true as const };
      return { index: job.index, ...('text' in job ? extract(job.file, job.text) : readAndExtract(job)) };
    });
    parentPort?.postMessage(results);
  });
});
