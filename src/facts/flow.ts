import { ts } from '@ts-morph/common';
import {
  isBinaryExpression, isBlock, isCallExpression, isClassLike, isConditionalExpression, isIdentifier, isMethodDeclaration, isObjectLiteralExpression,
  isPropertyAccessExpression, isPropertyAssignment, isReturnStatement, isShorthandPropertyAssignment, isStringLiteral, Kind,
} from './syntax.js';
import type { Target } from '../types.js';
import { bindingOf, classMember, resolveTarget, targetOfBinding, type Analysis } from './context.js';
import { isFunctionLike, stripCasts } from './scope.js';

/**
 * Value flow inside one file: which functions and which object literals an expression may
 * evaluate to. Real code hands handlers around as values (returned by calls, held in variables and
 * objects, bound with `.bind`), so a registration names a function only through such a chain.
 * What leaves the file (an imported function's result) becomes a `result` target for `link`.
 */
export interface FnValue {
  target: Target;
  node?: ts.Node;
}

/** Bounds the chains followed through variables, calls and properties. */
const MAX_DEPTH = 12;

export function functionValues(a: Analysis, expr: ts.Expression, seen = new Set<ts.Node>(), depth = 0): FnValue[] {
  let node = stripCasts(expr);
  if (seen.has(node) || depth > MAX_DEPTH) return [];
  seen.add(node);
  if (isCallExpression(node) && isPropertyAccessExpression(node.expression) && node.expression.name.text === 'bind') {
    node = stripCasts(node.expression.expression);
  }
  if (isFunctionLike(node)) {
    const fn = a.scopes.fnIds.get(node);
    return fn === undefined ? [] : [{ target: { t: 'fn', fn }, node }];
  }
  if (isConditionalExpression(node)) {
    return [...functionValues(a, node.whenTrue, seen, depth + 1), ...functionValues(a, node.whenFalse, seen, depth + 1)];
  }
  if (isBinaryExpression(node) && isAlternative(node.operatorToken.kind)) {
    return [...functionValues(a, node.left, seen, depth + 1), ...functionValues(a, node.right, seen, depth + 1)];
  }
  if (isIdentifier(node)) {
    const binding = bindingOf(a, node);
    if (binding?.kind === 'var') return binding.inits.flatMap((init) => functionValues(a, init, seen, depth + 1));
    const target = targetOfBinding(a, binding, node.text);
    if (!target || target.t === 'class') return [];
    return [{ target, ...(binding?.fnNode ? { node: binding.fnNode } : {}) }];
  }
  if (isPropertyAccessExpression(node)) {
    if (node.expression.kind === Kind.ThisKeyword) {
      const fn = classMember(a, node, node.name.text);
      return fn === undefined ? [] : [{ target: { t: 'fn', fn }, node: a.scopes.fnNodes[fn] as ts.Node }];
    }
    const name = node.name.text;
    const fromObjects = objectValues(a, node.expression, new Set(), depth + 1).flatMap((object) => {
      const value = propertyValue(object, name);
      return value ? functionValues(a, value, seen, depth + 1) : [];
    });
    if (fromObjects.length > 0) return fromObjects;
    const target = resolveTarget(a, node);
    return target ? [{ target }] : [];
  }
  if (isCallExpression(node)) {
    const callee = resolveTarget(a, node.expression);
    if (!callee) return [];
    if (callee.t === 'fn') {
      const fnNode = a.scopes.fnNodes[callee.fn];
      return fnNode && isFunctionLike(fnNode) ? returnedFunctions(a, fnNode) : [];
    }
    return callee.t === 'import' ? [{ target: { t: 'result', of: callee } }] : [];
  }
  return [];
}

const returnedMemo = new WeakMap<ts.Node, FnValue[]>();

/**
 * The function values a local function returns, computed once per function (a file of mutually
 * returning helpers would otherwise be walked again from every call). A function still being
 * computed returns nothing to the cycle that reached it.
 */
function returnedFunctions(a: Analysis, fn: ts.FunctionLikeDeclaration): FnValue[] {
  const memo = returnedMemo.get(fn);
  if (memo) return memo;
  returnedMemo.set(fn, []);
  const result = returnedExpressions(fn).flatMap((returned) => functionValues(a, returned));
  returnedMemo.set(fn, result);
  return result;
}

const returnedExpressionsMemo = new WeakMap<ts.Node, ts.Expression[]>();

/** Object literals an expression may evaluate to: a literal, a variable holding one, what a local call returns. */
export function objectValues(a: Analysis, expr: ts.Expression, seen = new Set<ts.Node>(), depth = 0): ts.ObjectLiteralExpression[] {
  const node = stripCasts(expr);
  if (seen.has(node) || depth > MAX_DEPTH) return [];
  seen.add(node);
  if (isObjectLiteralExpression(node)) return [node];
  if (isConditionalExpression(node)) {
    return [...objectValues(a, node.whenTrue, seen, depth + 1), ...objectValues(a, node.whenFalse, seen, depth + 1)];
  }
  if (isIdentifier(node)) {
    const binding = bindingOf(a, node);
    return binding?.kind === 'var' ? binding.inits.flatMap((init) => objectValues(a, init, seen, depth + 1)) : [];
  }
  if (isCallExpression(node)) {
    const callee = resolveTarget(a, node.expression);
    const fnNode = callee?.t === 'fn' ? a.scopes.fnNodes[callee.fn] : undefined;
    return fnNode && isFunctionLike(fnNode) ? returnedExpressions(fnNode).flatMap((returned) => objectValues(a, returned, seen, depth + 1)) : [];
  }
  return [];
}

/** The expressions a function returns: an arrow's expression body, or every `return` outside nested functions. */
export function returnedExpressions(fn: ts.FunctionLikeDeclaration): ts.Expression[] {
  const body = fn.body;
  if (!body) return [];
  if (!isBlock(body)) return [body];
  const memo = returnedExpressionsMemo.get(fn);
  if (memo) return memo;
  const returned: ts.Expression[] = [];
  const pending: ts.Node[] = [body];
  while (pending.length > 0) {
    const node = pending.pop() as ts.Node;
    if (node !== body && (isFunctionLike(node) || isClassLike(node))) continue;
    if (isReturnStatement(node) && node.expression) returned.push(node.expression);
    ts.forEachChild(node, (child) => {
      if (child.kind > Kind.LastToken) pending.push(child);
    });
  }
  returnedExpressionsMemo.set(fn, returned);
  return returned;
}

/** `{ auth: fn }`, `{ auth }`, `{ auth() {} }`: the node that gives property `name` its value. */
export function propertyValue(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const prop of object.properties) {
    const key = prop.name && (isIdentifier(prop.name) || isStringLiteral(prop.name)) ? prop.name.text : undefined;
    if (key !== name) continue;
    if (isPropertyAssignment(prop)) return prop.initializer;
    if (isShorthandPropertyAssignment(prop)) return prop.name;
    if (isMethodDeclaration(prop)) return prop as unknown as ts.Expression;
  }
  return undefined;
}

function isAlternative(kind: ts.SyntaxKind): boolean {
  return kind === Kind.BarBarToken || kind === Kind.QuestionQuestionToken;
}

