import { ts } from '@ts-morph/common';
import { isPropertyAccessExpression } from '../syntax.js';
import type { FakeOrigin } from '../../types.js';
import { calleeName, httpExprKind, makeOrigin, type Analysis } from '../context.js';
import { unwrap } from '../scope.js';

const PROTOTYPE_CALLS = new Map([
  ['Object.create', 0],
  ['Object.setPrototypeOf', 1],
  ['Reflect.setPrototypeOf', 1],
]);

const PROTOTYPE_METHODS: ReadonlySet<string> = new Set(['assign', 'create', 'setPrototypeOf']);

/** Express's request and response prototypes: `express.request`, `app.response`, `this.express.request`. */
const EXPRESS_PROTOTYPE_OWNER = /(^|\.)(express|app|application)$/;

/**
 * `Object.create(IncomingMessage.prototype)`, `Object.setPrototypeOf(obj, Request.prototype)`, and
 * `Object.assign(express.request, upgradeReq)`, which dresses something up as an Express request.
 */
export function prototypeShape(a: Analysis, node: ts.CallExpression): FakeOrigin | undefined {
  // Asked of every call: the callee is named only when its last segment is one of these methods.
  const callee = unwrap(node.expression);
  if (!isPropertyAccessExpression(callee) || !PROTOTYPE_METHODS.has(callee.name.text)) return undefined;
  const name = calleeName(node.expression) ?? '';
  if (name === 'Object.assign' || name === 'Object.create' || name === 'Object.setPrototypeOf') {
    const arg = node.arguments[name === 'Object.setPrototypeOf' ? 1 : 0];
    const inner = arg && unwrap(arg);
    if (inner && isPropertyAccessExpression(inner) && (inner.name.text === 'request' || inner.name.text === 'response')) {
      const owner = calleeName(inner.expression);
      if (owner && EXPRESS_PROTOTYPE_OWNER.test(owner)) {
        const kind = inner.name.text;
        return makeOrigin(a, node, { kind, shape: 'prototype', describe: `an object built on Express's \`${owner}.${kind}\` by \`${name}()\`` });
      }
    }
  }
  const index = PROTOTYPE_CALLS.get(name);
  if (index === undefined) return undefined;
  const arg = node.arguments[index];
  if (!arg || !isPropertyAccessExpression(arg) || arg.name.text !== 'prototype') return undefined;
  const http = httpExprKind(a, arg.expression);
  if (!http) return undefined;
  return makeOrigin(a, node, {
    kind: http.kind,
    shape: 'prototype',
    describe: `an object given \`${http.name}.prototype\` by \`${name}()\``,
  });
}
