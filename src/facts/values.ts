import { ts } from '@ts-morph/common';
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
  if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) return typeAssertionShape(a, node);
  if (ts.isNewExpression(node)) return constructorShape(a, node) ?? subclassShape(a, node) ?? mockLibraryShape(a, node);
  if (ts.isCallExpression(node)) return mockLibraryShape(a, node) ?? prototypeShape(a, node) ?? assignLiteralShape(a, node);
  if (ts.isObjectLiteralExpression(node)) return literalShape(a, node);
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
  if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) return classify(a, node.expression, seen);
  if (ts.isConditionalExpression(node)) return [...classify(a, node.whenTrue, seen), ...classify(a, node.whenFalse, seen)];
  if (ts.isBinaryExpression(node)) {
    const op = node.operatorToken.kind;
    if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
      return [...classify(a, node.left, seen), ...classify(a, node.right, seen)];
    }
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return classify(a, node.right, seen);
    return [];
  }
  if (ts.isCallExpression(node)) {
    const target = resolveTarget(a, node.expression);
    return target ? [{ t: 'call', target }] : [];
  }
  if (ts.isNewExpression(node)) {
    const target = resolveTarget(a, node.expression);
    return target ? [{ t: 'new', target }] : [];
  }
  if (ts.isIdentifier(node)) return classifyBinding(a, bindingOf(a, node), seen);
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
  if (!ts.isPropertyAccessExpression(node) || !RESPONSE_MEMBERS.has(node.name.text)) return undefined;
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
  if (path.length === 1 && typeof first === 'number' && ts.isArrayLiteralExpression(source)) {
    const element = source.elements[first];
    return element ? classify(a, element, seen) : [];
  }
  if (path.length === 1 && typeof first === 'string' && ts.isObjectLiteralExpression(source)) {
    for (const prop of source.properties) {
      if (ts.isPropertyAssignment(prop) && ts.isIdentifier(prop.name) && prop.name.text === first) return classify(a, prop.initializer, seen);
      if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === first) return classify(a, prop.name, seen);
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
