import { ts } from '@ts-morph/common';
import {
  isArrowFunction, isClassLike, isFunctionDeclaration, isFunctionExpression, isIdentifier, isMethodDeclaration, isPropertyAssignment,
  isVariableDeclaration,
} from './syntax.js';
import { httpTypeKind, type Analysis } from './context.js';

/**
 * Functions whose return value is a request by their own declaration: a NestJS guard's
 * `getRequest()` (passport reads what it returns as `req`), and helpers whose name or declared
 * return type says they build a request (`toRequest(socket)`, `createRequestStore(req)`).
 */
export type RequestProducer = { t: 'position'; sink: string } | { t: 'builder'; name: string };

const BUILDER_NAME = /^(to|build|create|make|fake|mock|synthesi[sz]e|forge|construct|convert\w*To)\w*Request(Store|Like|Object|Context)?$/i;
const GUARD_HERITAGE = /\b(AuthGuard|CanActivate)\b|Guard\b/;

export function requestProducer(a: Analysis, fn: ts.Node): RequestProducer | undefined {
  const name = functionNameOf(fn);
  if (!name) return undefined;
  if (name === 'getRequest' && isMethodDeclaration(fn) && isGuardClass(a, fn.parent)) {
    const owner = isClassLike(fn.parent) && fn.parent.name ? fn.parent.name.text : 'guard';
    return { t: 'position', sink: `${owner}.getRequest` };
  }
  const declared = (isFunctionDeclaration(fn) || isMethodDeclaration(fn) || isArrowFunction(fn) || isFunctionExpression(fn)) ? fn.type : undefined;
  if (BUILDER_NAME.test(name) || (declared && httpTypeKind(a, declared)?.kind === 'request')) return { t: 'builder', name };
  return undefined;
}

/** `class X extends AuthGuard('jwt')`, `implements CanActivate`, or a class named `…Guard`. */
export function isGuardClass(a: Analysis, node: ts.Node | undefined): boolean {
  if (!node || !isClassLike(node)) return false;
  if (node.name && /Guard$/.test(node.name.text)) return true;
  return (node.heritageClauses ?? []).some((clause) => GUARD_HERITAGE.test(clause.getText(a.sf)));
}

function functionNameOf(fn: ts.Node): string | undefined {
  if ((isFunctionDeclaration(fn) || isMethodDeclaration(fn) || isFunctionExpression(fn)) && fn.name && isIdentifier(fn.name)) return fn.name.text;
  const parent = fn.parent;
  if (parent && isVariableDeclaration(parent) && isIdentifier(parent.name)) return parent.name.text;
  if (parent && isPropertyAssignment(parent) && isIdentifier(parent.name)) return parent.name.text;
  return undefined;
}
