import { calleeName, unwrap, type Node, type Path } from './ast.js';

export const FLAG_FUNCTION = 'isWebSocketSupervisorV3Enabled';

export function isInsideFlagCheck(path: Path): boolean {
  for (let current: Path | null = path.parent as Path | null; current; current = current.parent as Path | null) {
    const node = current.node as Node;
    if ((node.type === 'ConditionalExpression' || node.type === 'IfStatement') && flagTest(node.test as Node)) return true;
  }
  return false;
}

/** `isWebSocketSupervisorV3Enabled(...)` → 'on', `!isWebSocketSupervisorV3Enabled(...)` → 'off'. */
export function flagTest(node: Node | undefined): 'on' | 'off' | undefined {
  const inner = unwrap(node);
  if (!inner) return undefined;
  if (inner.type === 'UnaryExpression' && inner.operator === '!') {
    const nested = flagTest(inner.argument as Node);
    return nested === 'on' ? 'off' : nested === 'off' ? 'on' : undefined;
  }
  return inner.type === 'CallExpression' && calleeName(inner.callee as Node) === FLAG_FUNCTION ? 'on' : undefined;
}
