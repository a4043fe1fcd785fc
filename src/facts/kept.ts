import { BY_SCAN, claimBatch, type Extracted } from './pool.js';

type Item = { file: string; text: string };
/** Analyses one file on this thread. */
type Analyse = (file: string, text: string) => Extracted;
/**
 * Has the walking worker analyse files: their outcomes in order (undefined for an item this thread
 * claimed first in `claims`, a slot per item), or undefined if the worker failed.
 */
type Helper = (items: Item[], claims: Int32Array) => Promise<(Extracted | undefined)[] | undefined>;

/** Text (in UTF-16 units) lent to the worker at a time: a few files, so that neither thread waits long on the other at the end. */
const LEND_BATCH = 64 * 1024;
/**
 * Text still waiting when the worker's walk ends below which it is not lent any (about a second of
 * parsing here): loading the parser and warming it up in a second isolate costs more than the worker
 * would take off this thread, and on a busy machine the worker's core is not free anyway.
 */
const LEND_FROM = 1024 * 1024;

/**
 * The files a cold scan's walking worker keeps, analysed on this thread in the order they come,
 * one at a time so that the worker's messages come in between. Once the worker's walk is done
 * (`help`), it takes batches from the end of the queue while enough is waiting, and this thread
 * goes on from the front: the two meet in the middle. A batch the worker fails on (out of memory,
 * stopped) comes back to this thread, which then does the rest alone.
 */
export class KeptFiles {
  /** Each kept file's facts, or the error that stopped them. */
  readonly outcomes = new Map<string, Extracted>();
  /** Milliseconds this thread spent analysing. */
  ms = 0;
  private readonly queue: Item[] = [];
  /** Text waiting in `queue`. */
  private waiting = 0;
  private draining: Promise<void> | undefined;
  private helper: Helper | undefined;
  private lending: Promise<void> | undefined;
  /** The batch the worker has, with a slot per item saying which thread took it. */
  private lent: { batch: Item[]; claims: Int32Array } | undefined;
  private lentBefore = false;

  /**
   * Asked for other work whenever nothing is waiting here (the scan reads a batch of files itself,
   * which may keep some): true if it did some.
   */
  idle: () => boolean = () => false;

  constructor(private readonly load: () => Promise<Analyse>) {}

  keep(file: string, text: string): void {
    this.queue.push({ file, text });
    this.waiting += text.length;
    this.poke();
    this.lend();
  }

  /** There may be work for `idle`: this thread takes it up unless it is busy already. */
  poke(): void {
    this.draining ??= this.drain();
  }

  /** The worker's walk is done: from now on it can take a share. */
  help(helper: Helper): void {
    this.helper = helper;
    this.lend();
  }

  /** Resolves once every kept file has its outcome. */
  async settled(): Promise<void> {
    while (this.draining || this.lending) await Promise.all([this.draining, this.lending]);
  }

  private async drain(): Promise<void> {
    const analyse = await this.load();
    const here = (item: Item): void => {
      const started = performance.now();
      this.outcomes.set(item.file, analyse(item.file, item.text));
      this.ms += performance.now() - started;
    };
    for (;;) {
      const item = this.queue.shift();
      if (item) {
        this.waiting -= item.text.length;
        here(item);
      } else {
        // The queue is empty: rather than wait for the worker's whole batch, this thread takes the
        // items it has not started, from the end (it works from the front).
        const taken = this.takeBack();
        if (taken) here(taken);
        else if (!this.idle()) break;
      }
      // Between files, the worker's messages come in: more kept files, its listings, its answers.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.draining = undefined;
  }

  /** An item of the worker's batch that it has not started, now this thread's; undefined if none is left. */
  private takeBack(): Item | undefined {
    const lent = this.lent;
    if (!lent) return undefined;
    for (let index = lent.batch.length - 1; index >= 0; index--) {
      if (claimBatch(lent.claims, index, BY_SCAN)) return lent.batch[index];
    }
    return undefined;
  }

  private lend(): void {
    const helper = this.helper;
    if (!helper || this.lending || this.queue.length < 2 || this.waiting < (this.lentBefore ? 2 * LEND_BATCH : LEND_FROM)) return;
    this.lentBefore = true;
    const batch: Item[] = [];
    for (let size = 0; size < LEND_BATCH && this.queue.length > 1; ) {
      const item = this.queue.pop() as Item;
      this.waiting -= item.text.length;
      size += item.text.length;
      batch.unshift(item);
    }
    const claims = new Int32Array(new SharedArrayBuffer(4 * batch.length));
    this.lent = { batch, claims };
    this.lending = helper(batch, claims).then((results) => {
      this.lending = undefined;
      this.lent = undefined;
      // What this thread took back has its outcome already.
      const mine = (index: number): boolean => Atomics.load(claims, index) === BY_SCAN;
      if (results) {
        batch.forEach((item, index) => {
          if (!mine(index)) this.outcomes.set(item.file, results[index] ?? { error: 'the worker gave no outcome' });
        });
      } else {
        this.helper = undefined;
        batch.forEach((item, index) => {
          if (!mine(index)) this.keep(item.file, item.text);
        });
      }
      this.lend();
    });
  }
}
