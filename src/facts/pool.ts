import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { Config } from '../discover/config.js';
import type { Discovery, Input } from '../discover/files.js';
import { UsageError } from '../errors.js';
import type { ReadOutcome, Walked } from '../prefilter/files.js';
import type { FileFacts } from '../types.js';
import type { FactsOptions } from './options.js';

/**
 * One file's facts or the error that stopped them, and how long parsing and extraction took.
 * `overflow`: the thread ran out of stack (a deeply nested file); a thread with a larger one can try again.
 */
export type Extracted = ({ facts: FileFacts } | { error: string; overflow?: boolean }) & { ms?: number };

/**
 * A file handed over by path: its facts, or what reading it decided (read without parsing, a file
 * the prefilter keeps comes back as its text for the scan to analyse).
 */
export type Scanned = Extracted | ReadOutcome;

/**
 * What a walking worker is asked: the scan's own walk. `claims` has a slot per batch of found files
 * (0: nobody has read it yet), shared with the scan: whichever thread claims a batch first reads it.
 */
export interface WalkRequest {
  paths: string[];
  cwd: string;
  config: Config;
  includeTests: boolean;
  prefilter: boolean;
  claims: Int32Array;
}

/** Files per batch that a walking worker lists and that it or the scan reads. */
export const READ_BATCH = 64;
export const BY_WORKER = 1;
export const BY_SCAN = 2;

/**
 * Claims slot `id` for one thread (a batch of the walk's files, or one file lent to the worker);
 * false if the other has it. A batch past the slots is the worker's.
 */
export function claimBatch(claims: Int32Array, id: number, by: number): boolean {
  if (id >= claims.length) return by === BY_WORKER;
  return Atomics.compareExchange(claims, id, 0, by) === 0;
}

/**
 * A walking worker's messages, in this order: listings, then the discovery, then outcomes of the
 * batches it read, then `readDone` (by then every batch is read: the scan reads one it claims at
 * once); or what stopped the walk.
 */
export type WalkMessage =
  | { listing: { batch: number; files: Input[] } }
  | { listed: Discovery }
  | { walked: Walked[] }
  | { readDone: true }
  | { walkFailed: { message: string; hint: string | undefined; usage: boolean; stack: string | undefined } };

/** What a worker is given: a text to analyse, or a path to read, skip, prefilter and analyse. */
export type Job = { index: number; file: string } & ({ text: string } | { maxFileSize: number; explicit: boolean; prefilter: boolean });

/**
 * The stack of the thread that re-analyses files that overflowed a normal one (3,000 nested
 * arrows overflow the TypeScript parser; a 50,000-term `+` chain the AST walks). Only touched
 * pages are committed, so a large reservation costs nothing for a shallow file.
 */
export const DEEP_STACK_MB = 512;

const BATCH = 16;
/** Paths handed over as a walk finds them: most are read and dropped by the prefilter, so larger batches (fewer messages). */
const STREAM_BATCH = 64;

/**
 * A worker's young generation, in MiB. Parsing makes short-lived trees; V8's default lets each
 * thread's nursery grow to tens of MiB, which two workers add to the peak RSS. At 4 MiB the cold
 * real-corpus scan (bench/corpora.md) peaks ~55 MiB lower (about 290 against 345 MiB) and runs no slower.
 */
const YOUNG_GENERATION_MB = 4;
/** The walking worker's young generation, in MiB (startWalker). */
const WALKER_YOUNG_GENERATION_MB = 16;
/**
 * A worker's heap cap, in MiB, so that two workers and the main thread stay under 300 MiB: the
 * largest files of the real corpus and the real-world sample (1.7 MB bundles) need ~90. A file that
 * needs more runs the thread out of memory; it is analysed again in the uncapped deep-stack thread.
 */
const OLD_GENERATION_MB = 96;

/**
 * Worker threads that extract facts. Started as soon as files are discovered, they load the parser
 * while the main thread reads and prefilters, and parse candidates as they are submitted; the main
 * thread never loads the parser itself. Results come back per submission, in submission order.
 */
export interface FactsPool {
  readonly workers: number;
  submit(items: { file: string; text: string }[]): Promise<Extracted[]>;
  /**
   * Reads and analyses files as a walk finds them: batches go to the threads in turn at once (the
   * walk holds this thread, so none could be handed out later). `done` gives the outcomes by file.
   */
  stream(prefilter: boolean): ScanStream;
  close(): Promise<void>;
}

export interface ScanStream {
  add(item: { file: string; maxFileSize: number; explicit: boolean }): void;
  done(): Promise<Map<string, Scanned>>;
}

/** A facts worker thread (src/facts/worker.ts). */
function spawnWorker(options: FactsOptions, resourceLimits: ResourceLimits): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  // Running from sources (tests under tsx), Node 20 does not pass loader hooks to workers: a
  // bootstrap registers tsx in the worker before importing the TypeScript entry.
  const entry: string | URL = fromSource
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => { api.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); });`
    : new URL('./worker.js', import.meta.url);
  return new Worker(entry, { eval: fromSource, workerData: { options }, resourceLimits });
}

export interface Walker {
  /** The walk's discovery (the files are not all read yet). */
  readonly discovery: Promise<Discovery>;
  /** Every batch read, by the worker or the scan (which reads a batch as soon as it claims it). */
  readonly read: Promise<void>;
  /**
   * Once it has read its batches the worker can analyse files too (it loads the parser for the
   * first): their outcomes in order, or undefined when the thread failed (out of memory,
   * stopped), for the caller to analyse them itself.
   */
  parse(items: { file: string; text: string }[], claims?: Int32Array): Promise<(Extracted | undefined)[] | undefined>;
  close(): Promise<void>;
}

/** What the scan hears from a walking worker, as this thread takes its messages. */
export interface WalkListener {
  /** Batch `batch` of found files, to read if the scan claims it first. */
  listing(batch: number, files: Input[]): void;
  /** The outcomes of a batch the worker read. */
  walked(outcomes: Walked[]): void;
}

/**
 * One worker that walks the tree and then reads and prefilters the files it found, while this
 * thread parses what it keeps and reads batches itself when it has nothing to parse (`claims`).
 * A walk that stops (a named path with nothing to scan) rejects as it would have here, with a UsageError.
 */
export function startWalker(request: WalkRequest, options: FactsOptions, listener: WalkListener): Walker {
  // It builds no syntax trees while it walks, only paths, listings and texts: a larger nursery than a
  // parsing worker's (a sixth of its collections) costs little memory.
  const thread = spawnWorker(options, { maxYoungGenerationSizeMb: WALKER_YOUNG_GENERATION_MB, maxOldGenerationSizeMb: OLD_GENERATION_MB });
  /** Parse requests not answered yet, oldest first (the thread answers in order). */
  const answers: ((results: (Extracted | undefined)[] | undefined) => void)[] = [];
  let broken = false;
  let readDone: () => void = () => undefined;
  let readFailed: (error: Error) => void = () => undefined;
  const read = new Promise<void>((resolve, reject) => {
    readDone = resolve;
    readFailed = reject;
  });
  // Whoever waits on it waits after the discovery, which fails first.
  read.catch(() => undefined);
  const discovery = new Promise<Discovery>((resolve, reject) => {
    const fail = (error: Error): void => {
      broken = true;
      for (const answer of answers.splice(0)) answer(undefined);
      reject(error);
      readFailed(error);
    };
    thread.on('message', (message: WalkMessage | ({ index: number } & (Extracted | { taken: true }))[]) => {
      if (Array.isArray(message)) {
        answers.shift()?.(message.map(({ index: _index, ...result }) => ('taken' in result ? undefined : result)));
      } else if ('listing' in message) {
        listener.listing(message.listing.batch, message.listing.files);
      } else if ('walked' in message) {
        listener.walked(message.walked);
      } else if ('listed' in message) {
        resolve(message.listed);
      } else if ('readDone' in message) {
        readDone();
      } else {
        const { message: text, hint, usage, stack } = message.walkFailed;
        const error = usage ? new UsageError(text, hint) : new Error(text);
        if (!usage && stack) error.stack = stack;
        fail(error);
      }
    });
    thread.once('error', fail);
    thread.once('exit', (code) => fail(new Error(`the walking worker stopped (exit code ${code}) before the walk ended`)));
  });
  thread.postMessage({ walk: request });
  return {
    discovery,
    read,
    parse: (items, claims) =>
      broken
        ? Promise.resolve(undefined)
        : new Promise((resolve) => {
            answers.push(resolve);
            thread.postMessage({ items: items.map((item, index) => ({ index, ...item })), claims });
          }),
    close: async () => void (await thread.terminate()),
  };
}

export function startPool(workers: number, options: FactsOptions, stackSizeMb?: number): FactsPool {
  // The deep-stack thread is where files that overflowed a capped one go: no heap cap there.
  // The environment can lower the cap (tests of the out-of-memory path).
  const heapMb = Number(process.env.WS_MOCK_AUDIT_WORKER_HEAP_MB) || OLD_GENERATION_MB;
  const resourceLimits = stackSizeMb ? { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, stackSizeMb } : { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: heapMb };
  const waiting = new Map<number, (result: Scanned) => void>();
  const queue: Job[] = [];
  /** Each thread's batches not answered yet, oldest first (a thread answers in order). */
  const inFlight = new Map<Worker, number[][]>();
  let nextIndex = 0;
  let failure: Error | undefined;

  const settle = (index: number, result: Scanned): void => {
    const resolve = waiting.get(index);
    waiting.delete(index);
    resolve?.(result);
  };
  const pump = (): void => {
    for (const [thread, batches] of inFlight) {
      while (queue.length > 0 && batches.length < 2) {
        const items = queue.splice(0, BATCH);
        batches.push(items.map((item) => item.index));
        thread.postMessage({ items });
      }
    }
  };
  const spawn = (): void => {
    const thread = spawnWorker(options, resourceLimits);
    inFlight.set(thread, []);
    thread.on('message', (results: ({ index: number } & Scanned)[]) => {
      inFlight.get(thread)?.shift();
      for (const { index, ...result } of results) settle(index, result);
      pump();
    });
    thread.once('error', (error: Error & { code?: string }) => {
      const lost = (inFlight.get(thread) ?? []).flat();
      inFlight.delete(thread);
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        // A file too large for the capped heap: its batch is analysed again in the uncapped
        // deep-stack thread (as an overflow), and a fresh thread takes this one's place.
        for (const index of lost) settle(index, { error: `out of memory in a worker capped at ${heapMb} MB`, overflow: true });
        spawn();
        pump();
        return;
      }
      failure = error;
      for (const [, resolve] of waiting) resolve({ error: `worker failed: ${error.message}` });
      waiting.clear();
    });
  };
  for (let count = 0; count < workers; count++) spawn();

  const enqueue = <T extends Scanned>(items: (Omit<Job, 'index'> & Record<string, unknown>)[]): Promise<T[]> => {
    if (failure) return Promise.resolve(items.map(() => ({ error: `worker failed: ${failure?.message}` }) as T));
    const promises = items.map(
      (item) =>
        new Promise<T>((resolve) => {
          const index = nextIndex++;
          waiting.set(index, resolve as (result: Scanned) => void);
          queue.push({ index, ...item } as Job);
        }),
    );
    pump();
    return Promise.all(promises);
  };

  const stream = (prefilter: boolean): ScanStream => {
    const outcomes = new Map<string, Scanned>();
    const pending: Promise<void>[] = [];
    let batch: Job[] = [];
    let turn = 0;
    const post = (): void => {
      const threads = [...inFlight.keys()];
      const thread = threads[turn++ % threads.length];
      if (batch.length === 0) return;
      if (!thread || failure) {
        for (const job of batch.splice(0)) settle(job.index, { error: `worker failed: ${failure?.message ?? 'no worker thread'}` });
        return;
      }
      inFlight.get(thread)?.push(batch.map((job) => job.index));
      thread.postMessage({ items: batch });
      batch = [];
    };
    return {
      add(item) {
        const index = nextIndex++;
        pending.push(new Promise<void>((resolve) => waiting.set(index, (result) => resolve(void outcomes.set(item.file, result)))));
        batch.push({ index, ...item, prefilter });
        if (batch.length >= STREAM_BATCH) post();
      },
      async done() {
        post();
        await Promise.all(pending);
        return outcomes;
      },
    };
  };

  return {
    workers,
    stream,
    submit: (items) => enqueue<Extracted>(items),
    async close() {
      await Promise.all([...inFlight.keys()].map((thread) => thread.terminate()));
    },
  };
}
