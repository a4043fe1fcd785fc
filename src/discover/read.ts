import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

import type { SkipReason } from '../types.js';

export type ReadResult = { ok: true; text: string } | { ok: false; message: string; skipped: SkipReason };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads a source file defensively: size limit, binary content and invalid UTF-8 are per-file errors. */
export function readSource(file: string, maxFileSize: number): ReadResult {
  const read = readSourceBytes(file, maxFileSize);
  return read.ok ? { ok: true, text: decoder.decode(read.bytes) } : read;
}

export type BytesResult = { ok: true; bytes: Buffer } | Extract<ReadResult, { ok: false }>;

/**
 * What readSource checks, without decoding: a caller that drops most files unread (the prefilter
 * in a worker) decodes only those it keeps. `bytes` are valid UTF-8 without NUL bytes up front.
 */
export function readSourceBytes(file: string, maxFileSize: number): BytesResult {
  // One open, one fstat and the reads: a cold scan reads every discovered file, and a stat by path
  // before readFileSync (which opens and fstats again) was a tenth of reading them.
  return readOpen(file, (fd) => {
    const size = fstatSync(fd).size;
    if (size > maxFileSize) return tooLarge(size, maxFileSize);
    const bytes = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const count = readSync(fd, bytes, filled, size - filled, filled);
      if (count === 0) break;
      filled += count;
    }
    return checkBytes(filled === size ? bytes : bytes.subarray(0, filled));
  });
}

/** Opens a file and hands its descriptor to `read`, closing it after; a failure either way makes the file unreadable. */
function readOpen(file: string, read: (fd: number) => BytesResult): BytesResult {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    return unreadable(error);
  }
  try {
    return read(fd);
  } catch (error) {
    return unreadable(error);
  } finally {
    closeSync(fd);
  }
}

function unreadable(error: unknown): Extract<ReadResult, { ok: false }> {
  return { ok: false, message: `cannot read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`, skipped: 'unreadable' };
}

/**
 * readSourceBytes for a thread that reads thousands of files and keeps few (a walk's prefilter):
 * every file is read into one buffer of the reader's own, grown as needed, so a dropped file costs
 * no allocation (nor, read to its end, an fstat). The bytes it returns are valid until its next call:
 * whatever is kept must be copied (decoded) before then.
 */
export function createReusingReader(): (file: string, maxFileSize: number) => BytesResult {
  let scratch = Buffer.allocUnsafe(64 * 1024);
  return (file, maxFileSize) =>
    readOpen(file, (fd) => {
      let filled = 0;
      for (;;) {
        if (filled === scratch.length) {
          // Full: the file is larger than anything read so far. Its size decides the limit and the new buffer.
          const size = fstatSync(fd).size;
          if (size > maxFileSize) return tooLarge(size, maxFileSize);
          const larger = Buffer.allocUnsafe(Math.max(scratch.length * 2, size + 1));
          scratch.copy(larger, 0, 0, filled);
          scratch = larger;
        }
        const count = readSync(fd, scratch, filled, scratch.length - filled, null);
        if (count === 0) break;
        filled += count;
      }
      if (filled > maxFileSize) return tooLarge(filled, maxFileSize);
      return checkBytes(scratch.subarray(0, filled));
    });
}

export function tooLarge(size: number, maxFileSize: number): Extract<ReadResult, { ok: false }> {
  return {
    ok: false,
    message: `skipped: ${formatBytes(size)} is over the ${formatBytes(maxFileSize)} limit for one file (likely generated; raise \`maxFileSize\`, or name the file on the command line, to scan it)`,
    skipped: 'tooLarge',
  };
}

/** A regular file is there (following symbolic links). */
export function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

export function decodeSource(bytes: Uint8Array): ReadResult {
  const checked = checkBytes(bytes);
  return checked.ok ? { ok: true, text: decoder.decode(bytes) } : checked;
}

/** Decodes bytes that readSourceBytes returned (valid UTF-8: the fatal decoder cannot throw). */
export function decodeChecked(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

function checkBytes<T extends Uint8Array>(bytes: T): { ok: true; bytes: T } | Extract<ReadResult, { ok: false }> {
  if (bytes.subarray(0, 8000).includes(0)) return { ok: false, message: 'skipped: binary content (NUL bytes), not a source file', skipped: 'binary' };
  // The same strict validation as the fatal decoder (overlong forms, surrogates, > U+10FFFF), without building a string.
  if (!isUtf8(bytes)) return { ok: false, message: 'skipped: not valid UTF-8 text', skipped: 'notUtf8' };
  return { ok: true, bytes };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
