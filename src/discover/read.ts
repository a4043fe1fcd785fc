import { readFileSync, statSync } from 'node:fs';

import type { SkipReason } from '../types.js';

export type ReadResult = { ok: true; text: string } | { ok: false; message: string; skipped: SkipReason };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads a source file defensively: size limit, binary content and invalid UTF-8 are per-file errors. */
export function readSource(file: string, maxFileSize: number): ReadResult {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    return { ok: false, message: `cannot read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`, skipped: 'unreadable' };
  }
  if (size > maxFileSize) return tooLarge(size, maxFileSize);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return { ok: false, message: `cannot read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`, skipped: 'unreadable' };
  }
  return decodeSource(bytes);
}

export function tooLarge(size: number, maxFileSize: number): ReadResult {
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
  if (bytes.subarray(0, 8000).includes(0)) return { ok: false, message: 'skipped: binary content (NUL bytes), not a source file', skipped: 'binary' };
  try {
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    return { ok: false, message: 'skipped: not valid UTF-8 text', skipped: 'notUtf8' };
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
