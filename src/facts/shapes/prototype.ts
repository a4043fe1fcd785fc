import { ts } from '@ts-morph/common';
import type { FakeOrigin } from '../../types.js';
import { calleeName, httpExprKind, makeOrigin, type Analysis } from '../context.js';

const PROTOTYPE_CALLS = new Map([
  ['Object.create', 0],
  ['Object.setPrototypeOf', 1],
  ['Reflect.setPrototypeOf', 1],
]);

/** `Object.create(IncomingMessage.prototype)`, `Object.setPrototypeOf(obj, Request.prototype)`. */
export function prototypeShape(a: Analysis, node: ts.CallExpression): FakeOrigin | undefined {
  const index = PROTOTYPE_CALLS.get(calleeName(node.expression) ?? '');
  if (index === undefined) return undefined;
  const arg = node.arguments[index];
  if (!arg || !ts.isPropertyAccessExpression(arg) || arg.name.text !== 'prototype') return undefined;
  const http = httpExprKind(a, arg.expression);
  if (!http) return undefined;
  return makeOrigin(a, node, {
    kind: http.kind,
    shape: 'prototype',
    describe: `an object given \`${http.name}.prototype\` by \`${calleeName(node.expression)}()\``,
  });
}
