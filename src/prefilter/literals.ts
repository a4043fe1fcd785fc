import { InternalError } from '../errors.js';

/**
 * Finds every occurrence of a set of literals in one pass (Aho–Corasick, compiled to a table of
 * transitions). The prefilter's literals are short and many start with common letters (`sock`,
 * `stream`, `'ws'`), so neither one RegExp alternation (V8 tries the alternatives one after the
 * other at each position: ~7 ns a character on real code) nor one `includes` per literal is cheap;
 * a table step per character is ~2.5 ns, and it reports overlapping and nested occurrences too.
 *
 * The same table runs over a string's UTF-16 code units or over UTF-8 bytes: when every literal is
 * ASCII the two see the same occurrences, since no byte of a multi-byte UTF-8 sequence is ASCII.
 */
export type Found = (literals: readonly number[], end: number) => boolean;

export interface LiteralScanner {
  /** Whether every literal is ASCII, so that `scanBytes` sees what `scanText` sees. */
  readonly ascii: boolean;
  /**
   * Calls `found` with the literals (by index) that end at each position (the index of their last
   * code unit or byte), left to right, until it returns true; returns whether it did.
   */
  scanText(text: string, found: Found): boolean;
  scanBytes(bytes: Uint8Array, found: Found): boolean;
}

const ACCEPT = 1 << 30;
const ROW = ACCEPT - 1;

/** Code units that occur in no literal share class 0: the table has a column per class. */
function characterClasses(literals: readonly string[]): { classOf: Uint8Array | Uint16Array; count: number } {
  const units = new Set<number>();
  for (const literal of literals) for (let index = 0; index < literal.length; index++) units.add(literal.charCodeAt(index));
  // A byte per class when they fit: the smaller table stays in cache.
  const classOf = units.size < 0x100 ? new Uint8Array(0x10000) : new Uint16Array(0x10000);
  let count = 1;
  for (const unit of units) classOf[unit] = count++;
  return { classOf, count };
}

export function compileLiterals(literals: readonly string[]): LiteralScanner {
  const { classOf, count } = characterClasses(literals);
  // The trie: children by class, the literals ending at each node.
  const children: Map<number, number>[] = [new Map()];
  const ends: number[][] = [[]];
  literals.forEach((literal, index) => {
    let node = 0;
    for (let offset = 0; offset < literal.length; offset++) {
      const symbol = classOf[literal.charCodeAt(offset)] as number;
      let next = children[node]?.get(symbol);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        ends.push([]);
        children[node]?.set(symbol, next);
      }
      node = next;
    }
    ends[node]?.push(index);
  });
  // Breadth first, so that a node's failure link (the longest proper suffix of its text that is
  // also in the trie) is known before its children's, and it reports what its failure node reports.
  const states = children.length;
  const failure = new Int32Array(states);
  const order: number[] = [0];
  for (let head = 0; head < order.length; head++) {
    const node = order[head] as number;
    for (const [symbol, child] of children[node] ?? []) {
      if (node !== 0) {
        let fallback = failure[node] as number;
        while (fallback !== 0 && !children[fallback]?.has(symbol)) fallback = failure[fallback] as number;
        failure[child] = children[fallback]?.get(symbol) ?? 0;
      }
      ends[child] = [...(ends[child] ?? []), ...(ends[failure[child] as number] ?? [])];
      order.push(child);
    }
  }
  // One table lookup per character: an entry holds the next state's row offset, with ACCEPT set
  // when literals end there, so the loop masks and tests one bit. A row is its failure node's row
  // (copied, in breadth-first order) with the node's own children written over it.
  const rowOf = (state: number): number => state * count + ((ends[state]?.length ?? 0) > 0 ? ACCEPT : 0);
  const table = new Int32Array(states * count);
  if (states * count >= ACCEPT) throw new InternalError(`the prefilter's ${literals.length} literals make a table of over 2^30 entries`, 'Name fewer or shorter custom registration callees in the config.');
  for (const node of order) {
    if (node !== 0) table.copyWithin(node * count, (failure[node] as number) * count, (failure[node] as number) * count + count);
    for (const [symbol, child] of children[node] ?? []) table[node * count + symbol] = rowOf(child);
  }
  const endingAt = (entry: number): readonly number[] => ends[(entry & ROW) / count] ?? [];
  const ascii = literals.every((literal) => /^[\x00-\x7f]*$/.test(literal));

  return {
    ascii,
    scanText(text, found) {
      let entry = 0;
      for (let index = 0, length = text.length; index < length; index++) {
        entry = table[(entry & ROW) + (classOf[text.charCodeAt(index)] as number)] as number;
        if (entry >= ACCEPT && found(endingAt(entry), index)) return true;
      }
      return false;
    },
    scanBytes(bytes, found) {
      let entry = 0;
      for (let index = 0, length = bytes.length; index < length; index++) {
        entry = table[(entry & ROW) + (classOf[bytes[index] as number] as number)] as number;
        if (entry >= ACCEPT && found(endingAt(entry), index)) return true;
      }
      return false;
    },
  };
}
