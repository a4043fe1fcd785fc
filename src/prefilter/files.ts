import { createReusingReader, decodeChecked } from '../discover/read.js';
import type { FactsOptions } from '../facts/options.js';
import type { SkipReason } from '../types.js';
import { createBytesPrefilter, createPrefilter, isMinifiedBytes, type BytesPrefilter } from './index.js';

/**
 * What reading a discovered file decides before any parse: not analysed (`message` is empty for
 * `minified`, which the scan words itself), dropped by the prefilter, or kept with its text.
 */
export type ReadOutcome = { skipped: SkipReason; message: string } | { prefiltered: true } | { kept: string };

/**
 * Reads, skips and prefilters files by path, on whichever thread does the reading (a worker, or
 * the scan's own for the first files of a walk). The prefilter tests bytes: most files are dropped
 * without ever becoming strings. Without `prefilter` every readable source file is kept.
 */
export function createFileReader(options: FactsOptions, prefilter: boolean): (file: string, maxFileSize: number, explicit: boolean) => ReadOutcome {
  let test: BytesPrefilter | undefined;
  // A kept file's text is decoded (copied) before the next read reuses the bytes.
  const readBytes = createReusingReader();
  return (file, maxFileSize, explicit) => {
    const read = readBytes(file, maxFileSize);
    if (!read.ok) return { skipped: read.skipped, message: read.message };
    let decoded: string | undefined;
    const text = (): string => (decoded ??= decodeChecked(read.bytes));
    if (!explicit && isMinifiedBytes(file, read.bytes, text)) return { skipped: 'minified', message: '' };
    test ??= prefilter ? bytesPrefilterOf(options) : () => true;
    return test(read.bytes, text) ? { kept: text() } : { prefiltered: true };
  };
}

/** A file of a walk and what reading it decided. */
export type Walked = { file: string; outcome: ReadOutcome };

/** Reads a batch of a walk's files with `read`: a file named on the command line has no size limit. */
export function readInputs(read: ReturnType<typeof createFileReader>, files: readonly { file: string; explicit: boolean }[], maxFileSize: number): Walked[] {
  return files.map(({ file, explicit }) => ({ file, outcome: read(file, explicit ? Number.POSITIVE_INFINITY : maxFileSize, explicit) }));
}

function bytesPrefilterOf(options: FactsOptions): BytesPrefilter {
  const bytes = createBytesPrefilter(options);
  if (bytes) return bytes;
  const test = createPrefilter(options);
  return (_, text) => test(text());
}
