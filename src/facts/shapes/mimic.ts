import { ts } from '@ts-morph/common';
import {
  isBinaryExpression, isExpressionStatement, isFunctionDeclaration, isFunctionExpression, isIdentifier, isParenthesizedExpression,
  isPropertyAccessExpression, isVariableDeclaration, Kind,
} from '../syntax.js';
import type { ClassFact } from '../../types.js';
import { locOf, prototypeMethodNames, type Analysis } from '../context.js';
import { unwrap } from '../scope.js';

/** Methods only an HTTP response has; two of them on one prototype make a stand-in response. */
const RESPONSE_API = new Set(['json', 'send', 'sendStatus', 'status', 'setHeader', 'writeHead', 'redirect', 'render', 'cookie', 'clearCookie', 'sendFile', 'end', 'header', 'type', 'attachment', 'jsonp']);
/** Fields an HTTP request carries; a constructor that fills three of them builds a stand-in request. */
const REQUEST_FIELDS = new Set(['headers', 'url', 'method', 'query', 'cookies', 'session', 'params', 'body', 'originalUrl', 'path', 'ip', 'signedCookies', 'protocol', 'hostname']);
const REQUEST_API = new Set(['get', 'header', 'param', 'is', 'accepts', 'acceptsLanguages']);

/**
 * ES5 constructor functions that imitate Express's request or response (`IoResponse.prototype.json =
 * …`, `function IoRequest(socket) { this.headers = …; this.query = …; }`). They are reported like
 * subclasses of the real types: `new IoResponse()` is a fake response.
 */
export function mimicClasses(a: Analysis): ClassFact[] {
  const result: ClassFact[] = [];
  const constructors = new Map<string, ts.FunctionDeclaration | ts.FunctionExpression>();
  for (const fn of a.scopes.fnNodes) {
    const name = constructorName(fn);
    if (name && /^[A-Z]/.test(name.split('.').pop() ?? '')) constructors.set(name, fn as ts.FunctionDeclaration | ts.FunctionExpression);
  }
  for (const [owner, fn] of constructors) {
    const methods = prototypeMethodNames(a, owner);
    const responseMethods = methods.filter((method) => RESPONSE_API.has(method));
    const fields = thisFields(fn).filter((field) => REQUEST_FIELDS.has(field));
    const requestMethods = methods.filter((method) => REQUEST_API.has(method));
    const kind = responseMethods.length >= 2 ? 'response' : fields.length >= 3 || (fields.length >= 1 && requestMethods.length >= 2) ? 'request' : undefined;
    if (!kind) continue;
    const shown = kind === 'response' ? responseMethods : fields;
    result.push({
      name: owner.split('.').pop() as string,
      fakes: { kind, typeName: `the HTTP ${kind} (${shown.slice(0, 4).map((m) => `\`${m}\``).join(', ')})` },
      loc: locOf(a, fn.name ?? fn),
    });
  }
  return result;
}

function constructorName(fn: ts.Node): string | undefined {
  if (isFunctionDeclaration(fn) && fn.name) return fn.name.text;
  if (!isFunctionExpression(fn)) return undefined;
  let node: ts.Node = fn;
  while (node.parent && isParenthesizedExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (parent && isVariableDeclaration(parent) && isIdentifier(parent.name)) return parent.name.text;
  if (parent && isBinaryExpression(parent) && unwrap(parent.right) === fn && isPropertyAccessExpression(parent.left)) return parent.left.getText();
  return fn.name?.text;
}

/** `this.x = …` directly in the function's body. */
function thisFields(fn: ts.FunctionDeclaration | ts.FunctionExpression): string[] {
  const fields: string[] = [];
  for (const statement of fn.body?.statements ?? []) {
    if (!isExpressionStatement(statement)) continue;
    const expr = statement.expression;
    if (!isBinaryExpression(expr) || expr.operatorToken.kind !== Kind.EqualsToken) continue;
    const left = expr.left;
    if (isPropertyAccessExpression(left) && left.expression.kind === Kind.ThisKeyword) fields.push(left.name.text);
  }
  return fields;
}
