import { ts } from '@ts-morph/common';
import { isIdentifier, isObjectLiteralExpression, isPropertyAssignment } from '../syntax.js';
import type { FrameworkId } from '../../types.js';
import { canonicalName, shortName, type Analysis } from '../context.js';
import { unwrap } from '../scope.js';
import { objectHandlers, register } from './api.js';

/** Registers every function of the hooks object passed to `call` (optionally under a nested key). */
export function registerHooksObject(
  a: Analysis,
  call: ts.CallExpression,
  framework: FrameworkId,
  options: { names: ReadonlySet<string>; nested?: string; only?: ReadonlySet<string> },
): void {
  const callee = unwrap(call.expression);
  const name = isIdentifier(callee) ? canonicalName(a, callee) : shortName(callee);
  if (!name || !options.names.has(name)) return;
  for (const arg of call.arguments) {
    let object = unwrap(arg);
    if (!isObjectLiteralExpression(object)) continue;
    if (options.nested) {
      const nested = object.properties.find(
        (prop): prop is ts.PropertyAssignment => isPropertyAssignment(prop) && prop.name.getText(a.sf) === options.nested,
      );
      if (nested && isObjectLiteralExpression(unwrap(nested.initializer))) object = unwrap(nested.initializer);
    }
    if (!isObjectLiteralExpression(object)) continue;
    for (const handler of objectHandlers(a, object, options.only)) {
      register(a, { framework, event: `\`${name}()\` \`${handler.name}\``, handler: handler.value, at: call.expression });
    }
  }
}
