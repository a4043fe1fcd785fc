import { parentPort, workerData } from 'node:worker_threads';
import { discoverFiles } from '../discover/files.js';
import { AuditError, UsageError, describeError, isStackOverflow } from '../errors.js';
import { createFileReader, type ReadOutcome } from '../prefilter/files.js';
import type { FactsOptions } from './options.js';
import type { Job, Scanned, WalkMessage, WalkRequest, Walked } from './pool.js';

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

/** Files per message while walking; a kept file goes at once, for the scan to analyse while this thread goes on. */
const WALK_BATCH = 256;

/**
 * Walks the tree as the scan would, reading and prefiltering every file it finds, and sends the
 * outcomes as it goes; then the whole discovery, or what stopped it.
 */
function walkAndRead({ paths, cwd, config, includeTests, prefilter }: WalkRequest): void {
  const read = readerFor(prefilter);
  let batch: Walked[] = [];
  const post = (message: WalkMessage): void => parentPort?.postMessage(message);
  const flush = (): void => {
    if (batch.length > 0) post({ walked: batch });
    batch = [];
  };
  try {
    const discovery = discoverFiles(paths, cwd, config, includeTests, undefined, ({ file, explicit }) => {
      const outcome: ReadOutcome = read(file, explicit ? Number.POSITIVE_INFINITY : config.maxFileSize, explicit);
      batch.push({ file, outcome });
      if (batch.length >= WALK_BATCH || 'kept' in outcome) flush();
    });
    flush();
    post({ walkDone: discovery });
  } catch (error) {
    flush();
    const failure = error instanceof Error ? error : new Error(String(error));
    post({ walkFailed: { message: failure.message, hint: failure instanceof AuditError ? failure.hint : undefined, usage: failure instanceof UsageError, stack: failure.stack } });
  }
}

// Batches are answered in the order they came (the pool counts on it), also while the parser loads.
let previous: Promise<void> = Promise.resolve();
parentPort?.on('message', (message: { items: Job[] } | { walk: WalkRequest }) => {
  if ('walk' in message) return walkAndRead(message.walk);
  const { items } = message;
  previous = previous.then(async () => {
    facts ??= await import('./index.js');
    const results = items.map((job) => ({ index: job.index, ...('text' in job ? extract(job.file, job.text) : readAndExtract(job)) }));
    parentPort?.postMessage(results);
  });
});
