import { ts } from '@ts-morph/common';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PARSE_OPTIONS, parseSource, scriptKindOf } from '../src/facts/index.js';

// `parseSource` sets every node's `parent` in one recursive walk instead of TypeScript's
// `setParentNodes` fix-up (cheaper on large files). The analysis reads `parent` everywhere, so the
// two must agree on every node TypeScript's fix-up reaches, whatever the syntax; and the fix-up's
// only extra reach, JSDoc, must stay unparsed under PARSE_OPTIONS.

/** Every node in `forEachChild` order, and for each the index of its parent (-1 for the file). */
function shape(sf: ts.SourceFile): { kinds: ts.SyntaxKind[]; parents: number[]; jsDoc: number } {
  const index = new Map<ts.Node, number>([[sf, -1]]);
  const kinds: ts.SyntaxKind[] = [];
  const parents: number[] = [];
  let jsDoc = 0;
  const visit = (node: ts.Node): void => {
    index.set(node, kinds.length);
    kinds.push(node.kind);
    const parent = node.parent ? index.get(node.parent) : undefined;
    parents.push(parent ?? -2);
    if ((node as { jsDoc?: unknown[] }).jsDoc?.length) jsDoc++;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return { kinds, parents, jsDoc };
}

const SOURCES: Record<string, string> = {
  'server.ts': `
/** The server. @param port where */
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket as WS } from 'ws';
export * as helpers from './helpers';
export { a as b } from './a';
declare module 'ws' { interface WebSocket { id?: string } }
enum Mode { A = 1, B = A << 2, C = 'c'.length }
namespace Inner { export const x = 1; }
type Handler<T extends object = {}> = (req: IncomingMessage, extra: T) => Promise<void> | void;
interface Options extends Partial<Record<string, unknown>> { [key: string]: unknown; handler?: Handler }
abstract class Base<T> { protected abstract handle(value: T): void; }
@decorate({ path: '/ws' })
export class Gateway extends Base<string> implements Options {
  [key: string]: unknown;
  #secret = 1;
  static { Gateway.count = 0; }
  static count: number;
  constructor(private readonly wss: WebSocketServer, @Inject() public other?: WS) { super(); }
  @SubscribeMessage('message') protected handle(value: string): void {
    const req = { headers: {}, url: '/' } as unknown as IncomingMessage;
    this.wss.on('connection', async (socket, request = req) => {
      for await (const chunk of [value]) socket.send(chunk satisfies string);
      label: for (let i = 0; i < 2; i++) { if (i) continue label; else break label; }
      const { a, b: [c, , ...d] = [], ...rest } = request as any;
      switch (typeof a) { case 'string': throw new Error(\`bad \${a}\`); default: void c; }
      try { await import('./lazy'); } catch { debugger; } finally { d?.length ?? rest!; }
    });
  }
  get value(): number { return this.#secret; }
  set value(v) { this.#secret = v; }
}
export default function <T,>(x: T): x is T & {} { return x !== undefined; }
function* gen(): Generator<number> { yield* [1, 2]; }
let tuple: [a: string, b?: number, ...rest: boolean[]] = ['x'];
const m = new Map<string, () => void>();
const k = <const T,>(v: T) => v;
export = Gateway;
`,
  'view.tsx': `
import React from 'react';
export const View = <P extends { name: string }>({ name, ...props }: P) => (
  <div className="a" {...props} key={name}>
    {name ? <b>{name}</b> : <></>}
    <Other.Item render={() => <span />} />
  </div>
);
`,
  'legacy.js': `
/**
 * @param {import('http').IncomingMessage} req
 * @returns {Promise<void>}
 */
function Handler(req) { this.headers = req.headers; this.url = req.url; }
Handler.prototype.send = function (/** @type {string} */ body) { return /** @type {any} */ (body); };
module.exports = { Handler, other: require('./other') };
var re = /a[b]c/g, obj = { get x() { return 1; }, ['y' + 1]: 2, async *z() {} };
class A { static #p = 1; static m() { return #p in A; } }
`,
  'broken.ts': `
function (a, { b = }) { return < }
class { x = ; }
if (a
`,
};

const parents = suite('facts: parseSource sets the parents TypeScript would');

for (const [name, text] of Object.entries(SOURCES)) {
  parents(name, () => {
    const file = `/virtual/${name}`;
    const expected = shape(ts.createSourceFile(file, text, PARSE_OPTIONS, true, scriptKindOf(file)));
    const actual = shape(parseSource(file, text));
    assert.ok(expected.kinds.length > 20, `${expected.kinds.length} nodes`);
    assert.equal(actual.kinds, expected.kinds);
    assert.equal(actual.parents, expected.parents);
    assert.not.ok(expected.parents.includes(-2), 'every node has a parent in the tree');
    // JSDoc is what TypeScript's fix-up reaches beyond `forEachChild`: none is parsed.
    assert.is(expected.jsDoc, 0);
  });
}

parents.run();
