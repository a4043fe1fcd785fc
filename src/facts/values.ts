import { ts } from '@ts-morph/common';
import {
  isArrayLiteralExpression, isAsExpression, isBinaryExpression, isCallExpression, isConditionalExpression, isIdentifier, isNewExpression,
  isObjectLiteralExpression, isPropertyAccessExpression, isPropertyAssignment, isShorthandPropertyAssignment, isTypeAssertionExpression, Kind,
} from './syntax.js';
import type { FakeOrigin, ValueRef } from '../types.js';
import { bindingOf, makeOrigin, resolveTarget, snippetOf, type Analysis } from './context.js';
import { roleOf } from './frameworks/api.js';
import { unwrap, type Binding } from './scope.js';
import { constructorShape } from './shapes/constructor.js';
import { assignLiteralShape, literalShape } from './shapes/literal.js';
import { mockLibraryShape } from './shapes/mock-library.js';
import { prototypeShape } from './shapes/prototype.js';
import { subclassShape } from './shapes/subclass.js';
import { typeAssertionShape } from './shapes/type-assertion.js';

/** The fake an expression fabricates right here, if it is one of the shapes. */
export function fakeShapeOf(a: Analysis, node: ts.Node): FakeOrigin | undefined {
  if (isAsExpression(node) || isTypeAssertionExpression(node)) return typeAssertionShape(a, node);
  if (isNewExpression(node)) return constructorShape(a, node) ?? subclassShape(a, node) ?? mockLibraryShape(a, node);
  if (isCallExpression(node)) return mockLibraryShape(a, node) ?? prototypeShape(a, node) ?? assignLiteralShape(a, node);
  if (isObjectLiteralExpression(node)) return literalShape(a, node);
  return undefined;
}

/**
 * What an expression may evaluate to, as far as fakes go: concrete fakes made in this file, and
 * symbolic calls/references for `link` to resolve. Flow-insensitive through local variables,
 * reassignments, destructuring, conditionals and `||`/`??`.
 */
export function classify(a: Analysis, expr: ts.Expression, seen = new Set<Binding>()): ValueRef[] {
  const node = unwrap(expr);
  const origin = fakeShapeOf(a, node);
  if (origin) return [{ t: 'fake', origin }];
  if (isAsExpression(node) || isTypeAssertionExpression(node)) return classify(a, node.expression, seen);
  if (isConditionalExpression(node)) return [...classify(a, node.whenTrue, seen), ...classify(a, node.whenFalse, seen)];
  if (isBinaryExpression(node)) {
    const op = node.operatorToken.kind;
    if (op === Kind.BarBarToken || op === Kind.QuestionQuestionToken) {
      return [...classify(a, node.left, seen), ...classify(a, node.right, seen)];
    }
    if (op === Kind.AmpersandAmpersandToken) return classify(a, node.right, seen);
    return [];
  }
  if (isCallExpression(node)) {
    const target = resolveTarget(a, node.expression);
    return target ? [{ t: 'call', target }] : [];
  }
  if (isNewExpression(node)) {
    const target = resolveTarget(a, node.expression);
    return target ? [{ t: 'new', target }] : [];
  }
  if (isIdentifier(node)) return classifyBinding(a, bindingOf(a, node), seen);
  const standIn = standInShape(a, node);
  return standIn ? [{ t: 'fake', origin: standIn }] : [];
}

const SOCKET_ROLES = new Set(['ws-socket', 'io-socket', 'whatwg-server-socket']);
const RESPONSE_MEMBERS = new Set(['response', 'res', 'reply']);

/**
 * `socket.response`: a WebSocket's own property handed on where HTTP code expects a response. A
 * socket has no HTTP response (`socket.request.res` is engine.io's real one, and is left alone).
 */
function standInShape(a: Analysis, node: ts.Expression): FakeOrigin | undefined {
  if (!isPropertyAccessExpression(node) || !RESPONSE_MEMBERS.has(node.name.text)) return undefined;
  const role = roleOf(a, node.expression);
  if (!role || !SOCKET_ROLES.has(role)) return undefined;
  return makeOrigin(a, node, {
    kind: 'response',
    shape: 'stand-in',
    describe: `\`${snippetOf(a, node)}\`, a property of the WebSocket rather than an HTTP response`,
    positional: true,
  });
}

export function classifyBinding(a: Analysis, binding: Binding | undefined, seen = new Set<Binding>()): ValueRef[] {
  if (!binding || seen.has(binding)) return [];
  seen.add(binding);
  if (binding.importInfo) {
    const { source, imported } = binding.importInfo;
    return [{ t: 'ref', target: { t: 'import', source, imported: imported === '*' ? 'default' : imported } }];
  }
  if (binding.kind !== 'var') return [];
  const values = binding.inits.flatMap((init) => classify(a, init, seen));
  if (binding.destructured) values.push(...classifyDestructured(a, binding.destructured, seen));
  return values;
}

/** `const { req, res } = httpMocks.createMocks()` and `const [req] = [fake]`. */
function classifyDestructured(a: Analysis, { from, path }: NonNullable<Binding['destructured']>, seen: Set<Binding>): ValueRef[] {
  const [first] = path;
  const source = unwrap(from);
  if (path.length === 1 && typeof first === 'number' && isArrayLiteralExpression(source)) {
    const element = source.elements[first];
    return element ? classify(a, element, seen) : [];
  }
  if (path.length === 1 && typeof first === 'string' && isObjectLiteralExpression(source)) {
    for (const prop of source.properties) {
      if (isPropertyAssignment(prop) && isIdentifier(prop.name) && prop.name.text === first) return classify(a, prop.initializer, seen);
      if (isShorthandPropertyAssignment(prop) && prop.name.text === first) return classify(a, prop.name, seen);
    }
    return [];
  }
  const whole = classify(a, from, seen);
  if (path.length !== 1 || (first !== 'req' && first !== 'res' && first !== 'request' && first !== 'response')) return [];
  // A mock library's pair: take the half that was named.
  const kind = first === 'res' || first === 'response' ? 'response' : 'request';
  return whole.map((value) =>
    value.t === 'fake' && value.origin.shape === 'mock-library' ? { t: 'fake', origin: { ...value.origin, kind } } : value,
  );
}
