import { ts } from '@ts-morph/common';
import {
  isCallExpression, isIdentifier, isMethodDeclaration, isNewExpression, isParenthesizedExpression, isPropertyAssignment, isStringLiteral,
} from '../syntax.js';
import type { FrameworkId } from '../../types.js';
import { calleeName } from '../context.js';
import type { Role } from '../scope.js';
import { isFunctionLike, unwrap } from '../scope.js';
import type { FrameworkRecognizer } from './api.js';
import { ALLOW_REQUEST, HOOK_SOCKET_PARAM, SOCKET_SIGNATURE_HOOKS, SUBSCRIPTION_CONTAINERS, SUBSCRIPTION_HOOKS, SUBSCRIPTION_SERVERS, VERIFY_CLIENT } from './vocabulary.js';
import { objectHandlers, register } from './api.js';

/**
 * Hooks that frameworks take in options objects, wherever the object is written (inline, in a
 * variable, returned by a helper): each runs per WebSocket connection or message.
 */
interface OptionHook {
  keys: ReadonlySet<string>;
  framework: FrameworkId;
  describe: (key: string) => string;
  params?: (Role | 'genuine' | undefined)[];
  /** The object must sit under one of these keys, or be passed to one of these calls. */
  within?: { keys: ReadonlySet<string>; calls: RegExp };
  /** Without `within`: a signature that identifies the hook alone (`onConnect(params, webSocket)`). */
  signature?: (fn: ts.FunctionLikeDeclaration) => boolean;
}

const SUBSCRIPTION_SERVER_CALL = new RegExp(`(^|\\.)(${SUBSCRIPTION_SERVERS.map((name) => name.replace('.', '\\.')).join('|')})$`);

const HOOKS: OptionHook[] = [
  {
    keys: new Set([VERIFY_CLIENT]),
    framework: 'ws',
    describe: () => '`verifyClient` option',
  },
  {
    keys: new Set([ALLOW_REQUEST]),
    framework: 'socket.io',
    describe: () => 'engine.io `allowRequest` option',
    params: ['genuine'],
  },
  {
    keys: SUBSCRIPTION_HOOKS,
    framework: 'graphql-subscriptions',
    describe: (key) => `\`${key}\` hook`,
    within: { keys: SUBSCRIPTION_CONTAINERS, calls: SUBSCRIPTION_SERVER_CALL },
  },
  {
    // Apollo / subscriptions-transport-ws `onConnect(connectionParams, webSocket, context)`, also in
    // an object a helper returns: the socket parameter identifies it.
    keys: SOCKET_SIGNATURE_HOOKS,
    framework: 'graphql-subscriptions',
    describe: (key) => `\`${key}\` hook`,
    signature: (fn) => fn.parameters.slice(0, 2).some((param) => isIdentifier(param.name) && HOOK_SOCKET_PARAM.test(param.name.text)),
  },
];

function containerKey(object: ts.ObjectLiteralExpression): string | undefined {
  const parent = object.parent;
  if (parent && isPropertyAssignment(parent) && parent.initializer === object) {
    const name = parent.name;
    return isIdentifier(name) || isStringLiteral(name) ? name.text : undefined;
  }
  return undefined;
}

function passedTo(object: ts.ObjectLiteralExpression, pattern: RegExp): boolean {
  let node: ts.Node = object;
  while (node.parent && isParenthesizedExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (!parent || !(isCallExpression(parent) || isNewExpression(parent))) return false;
  const name = calleeName(parent.expression);
  return Boolean(name && pattern.test(name));
}

function applies(hook: OptionHook, object: ts.ObjectLiteralExpression, value: ts.Node): boolean {
  if (hook.within) {
    const key = containerKey(object);
    return (key !== undefined && hook.within.keys.has(key)) || passedTo(object, hook.within.calls);
  }
  if (hook.signature) {
    const fn = isFunctionLike(value) ? value : undefined;
    return Boolean(fn && hook.signature(fn));
  }
  return true;
}

/** Every hook name: an object's other properties are not followed (most objects hold none of these). */
const HOOK_NAMES: ReadonlySet<string> = new Set(HOOKS.flatMap((hook) => [...hook.keys]));

export const optionHooks: FrameworkRecognizer = {
  id: 'ws',
  onObject(a, object) {
    for (const handler of objectHandlers(a, object, HOOK_NAMES)) {
      const value = isMethodDeclaration(handler.value) ? handler.value : unwrap(handler.value as ts.Expression);
      const hook = HOOKS.find((candidate) => candidate.keys.has(handler.name) && applies(candidate, object, value));
      if (!hook) continue;
      register(a, {
        framework: hook.framework,
        event: hook.describe(handler.name),
        handler: handler.value,
        at: handler.value.parent && isPropertyAssignment(handler.value.parent) ? handler.value.parent.name : handler.value,
        ...(hook.params ? { params: hook.params } : {}),
      });
    }
  },
};
