import type { ts } from '@ts-morph/common';

/**
 * Where each literal occurs in a file's text, found once per file and literal. Asking whether a
 * node's text holds one is then a binary search, not a read of the node's text: recognisers ask it
 * of initialisers, and an initialiser can be a function that spans the file, asked about once per
 * use of its variable.
 */
const occurrences = new WeakMap<ts.SourceFile, Map<string, number[]>>();

function startsOf(sf: ts.SourceFile, literal: string): number[] {
  let byLiteral = occurrences.get(sf);
  if (!byLiteral) occurrences.set(sf, (byLiteral = new Map()));
  let starts = byLiteral.get(literal);
  if (!starts) {
    starts = [];
    for (let at = sf.text.indexOf(literal); at !== -1; at = sf.text.indexOf(literal, at + 1)) starts.push(at);
    byLiteral.set(literal, starts);
  }
  return starts;
}

/** Whether the file's text holds `literal` anywhere. */
export function fileHasText(sf: ts.SourceFile, literal: string): boolean {
  return startsOf(sf, literal).length > 0;
}

/** `node.getText(sf).includes(literal)`, without reading the node's text. */
export function nodeHasText(sf: ts.SourceFile, node: ts.Node, literal: string): boolean {
  const starts = startsOf(sf, literal);
  if (starts.length === 0) return false;
  const from = node.getStart(sf);
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((starts[middle] as number) < from) low = middle + 1;
    else high = middle;
  }
  // The first occurrence starting inside the node ends first: if any fits, that one does.
  return low < starts.length && (starts[low] as number) + literal.length <= node.end;
}
