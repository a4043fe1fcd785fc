import { ts } from '@ts-morph/common';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { inMemberIndexOrder } from '../src/facts/context.js';
import { DEFAULT_FACTS_OPTIONS, extractFacts, parseSource } from '../src/facts/index.js';
import type { TypeOracle } from '../src/facts/type-oracle.js';

// The member index (`this.x = …` values, `Owner.prototype.m = …` methods) is built from the member
// assignments the registration walk met, not by a walk of its own, and in the order its own walk
// took: a later `Owner.prototype.m` wins and `this.x` values are tried in that order, so the order
// is part of the facts.

const members = suite('facts: the member index needs no walk of its own');

/** ES5 "classes": each prototype method calls the next through `this`, which needs the member index. */
function prototypes(n: number): string {
  const methods = Array.from({ length: n }, (_, i) => `Owner.prototype.m${i} = function () { this.m${(i + 1) % n}(); this.v${i} = ${i}; };`);
  return `function Owner() {}\n${methods.join('\n')}\n`;
}

members('the file is walked twice, and `this.m()` still resolves', () => {
  const file = '/virtual/owner.js';
  const text = prototypes(50);
  const sf = parseSource(file, text);
  // The end-of-file token is reached by every walk of the whole tree and read by nothing else.
  let eofReads = 0;
  const eof = sf.endOfFileToken;
  const kind = eof.kind;
  Object.defineProperty(eof, 'kind', {
    get: () => {
      eofReads++;
      return kind;
    },
    configurable: true,
  });
  const oracle: TypeOracle = { sourceFile: () => sf, httpKindOfType: () => undefined, parameterPositions: () => [], roleOf: () => undefined };
  const facts = extractFacts(file, text, DEFAULT_FACTS_OPTIONS, oracle);
  // The scope walk reads it once, the registration walk twice (a token? an identifier?); another walk would read it again.
  assert.ok(eofReads <= 3, `the end-of-file token was read ${eofReads} times`);
  const byName = new Map(facts.functions.map((fn) => [fn.name, fn.id]));
  const m0 = facts.functions.find((fn) => fn.name === 'Owner.m0');
  assert.equal(m0?.calls.map((call) => call.target), [{ t: 'fn', fn: byName.get('Owner.m1') }]);
});

members('of two assignments of one prototype method, the index keeps the one its own walk met last', () => {
  const text = `function Owner() {}
Owner.prototype.m = function first() {};
Owner.prototype.m = function second() {};
Owner.prototype.run = function () { this.m(); };
`;
  const facts = extractFacts('/virtual/twice.js', text, DEFAULT_FACTS_OPTIONS);
  const first = facts.functions.find((fn) => fn.name === 'first');
  const run = facts.functions.find((fn) => fn.name === 'Owner.run');
  // The walk went statements last to first (a stack), so the first assignment came last and won.
  assert.equal(run?.calls.map((call) => call.target), [{ t: 'fn', fn: first?.id }]);
});

members('inMemberIndexOrder gives the order of a stack walk from the order of a recursive one', () => {
  const text = `
a.x = b.y = function () { this.p = c.q = 1; d.r = (e.s = 2); };
f.g = { h: function () { this.i = 3; }, j: () => { k.l = m.n = o.p = 4; } };
if (q.r = 5) { s.t = 6; } else { u.v = function () { w.x = 7; }; }
y.z = 8;
`;
  const sf = ts.createSourceFile('/virtual/order.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const isMemberAssignment = (node: ts.Node): node is ts.BinaryExpression =>
    ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left);
  // As the registration walk: each node before its subtree, children first to last, tokens left out.
  const recursive: ts.BinaryExpression[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let visited = 0;
  const visit = (node: ts.Node): void => {
    if (node.kind <= ts.SyntaxKind.LastToken) return;
    const start = visited++;
    const at = isMemberAssignment(node) ? recursive.push(node) - 1 : -1;
    if (at >= 0) starts.push(start);
    if (at >= 0) ends.push(-1);
    ts.forEachChild(node, visit);
    if (at >= 0) ends[at] = visited;
  };
  visit(sf);
  // As the member index's own walk: a stack.
  const stacked: ts.BinaryExpression[] = [];
  const pending: ts.Node[] = [sf];
  while (pending.length > 0) {
    const node = pending.pop() as ts.Node;
    if (isMemberAssignment(node)) stacked.push(node);
    ts.forEachChild(node, (child) => {
      if (child.kind > ts.SyntaxKind.LastToken) pending.push(child);
    });
  }
  assert.is(recursive.length, 16);
  const text0 = (nodes: ts.Node[]): string[] => nodes.map((node) => node.getText(sf));
  assert.not.equal(text0(recursive), text0(stacked), 'the two walks differ on this file');
  assert.equal(text0(inMemberIndexOrder(recursive, starts, ends)), text0(stacked));
});

members.run();
