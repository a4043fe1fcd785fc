import { ts } from '@ts-morph/common';
import { isCallExpression, isIdentifier, isParenthesizedExpression, isPropertyAccessExpression } from './syntax.js';
import type { FrameworkId } from '../types.js';
import type { Analysis } from './context.js';
import type { Role } from './scope.js';
import { HANDSHAKE_MEMBERS, MIDDLEWARE_NEXT_PARAM, MIDDLEWARE_SOCKET_PARAM, UPGRADE_HEAD_PARAM, UPGRADE_REQUEST_PARAM, UPGRADE_SOCKET_PARAM } from './frameworks/vocabulary.js';

/**
 * Signature evidence: when no registration is visible (an exported helper, a library's middleware
 * factory, a receiver the file cannot trace), a function's own shape can still say that it runs as
 * WebSocket handling. Each kind names the parameters it expects and what the body must do, and
 * yields a sentence that findings quote, so a reader knows the scope rests on this evidence.
 */
export interface SignatureEvidence {
  framework: FrameworkId;
  event: string;
  /** Roles for the function's parameters, by index. */
  params: (Role | 'genuine' | undefined)[];
  /** For messages: "recognised by its signature `(socket, next)` …; no registration was seen". */
  evidence: string;
}


function paramName(fn: ts.FunctionLikeDeclaration, index: number): string | undefined {
  const param = fn.parameters[index];
  return param && isIdentifier(param.name) ? param.name.text : undefined;
}

/**
 * `(socket, next) => { … socket.request … }`: socket.io middleware. The body must read the handshake
 * from the first parameter; a bare `(socket, next)` is too common (stream and queue callbacks) to count.
 */
export function socketIoMiddlewareSignature(a: Analysis, fn: ts.FunctionLikeDeclaration): SignatureEvidence | undefined {
  if (fn.parameters.length !== 2 || !fn.body) return undefined;
  const socket = paramName(fn, 0);
  const next = paramName(fn, 1);
  if (!socket || !next || !MIDDLEWARE_SOCKET_PARAM.test(socket) || !MIDDLEWARE_NEXT_PARAM.test(next)) return undefined;
  const binding = a.scopes.scopeOfFn.get(fn)?.bindings.get(socket);
  if (!binding) return undefined;
  const member = binding.refs.map(handshakeMember).find(Boolean);
  if (!member) return undefined;
  const shape = `its signature \`(${socket}, ${next})\` and its use of \`${socket}.${member}\``;
  const registrar = useCallOf(fn);
  return {
    framework: 'socket.io',
    event: 'middleware',
    params: ['io-socket'],
    evidence: registrar
      ? `registered with \`${registrar}()\`, whose receiver is not traced; recognised by ${shape}`
      : `recognised by ${shape}; no registration was seen`,
  };
}

/** `x.use(fn)`: the callee's text when the function is handed straight to a `use` call. */
function useCallOf(fn: ts.Node): string | undefined {
  let node: ts.Node = fn;
  while (node.parent && isParenthesizedExpression(node.parent)) node = node.parent;
  const call = node.parent;
  if (!call || !isCallExpression(call) || !call.arguments.includes(node as ts.Expression)) return undefined;
  const callee = call.expression;
  return isPropertyAccessExpression(callee) && callee.name.text === 'use' ? callee.getText() : undefined;
}

function handshakeMember(ref: ts.Identifier): string | undefined {
  const parent = ref.parent;
  if (parent && isPropertyAccessExpression(parent) && parent.expression === ref && HANDSHAKE_MEMBERS.has(parent.name.text)) return parent.name.text;
  return undefined;
}

/** `(req, socket, head) => …`: Node's HTTP `upgrade` listener, the start of every WebSocket on a Node server. */
export function upgradeListenerSignature(fn: ts.FunctionLikeDeclaration): SignatureEvidence | undefined {
  if (fn.parameters.length !== 3) return undefined;
  const [req, socket, head] = [paramName(fn, 0), paramName(fn, 1), paramName(fn, 2)];
  if (!req || !socket || !head) return undefined;
  if (!UPGRADE_REQUEST_PARAM.test(req) || !UPGRADE_SOCKET_PARAM.test(socket) || !UPGRADE_HEAD_PARAM.test(head)) return undefined;
  return {
    framework: 'ws',
    event: 'HTTP `upgrade` listener',
    params: ['genuine'],
    evidence: `recognised by its signature \`(${req}, ${socket}, ${head})\`; no registration was seen`,
  };
}

/** Either signature, for a function with no registration in sight. */
export function signatureOf(a: Analysis, fn: ts.FunctionLikeDeclaration): SignatureEvidence | undefined {
  return socketIoMiddlewareSignature(a, fn) ?? upgradeListenerSignature(fn);
}
