import { FUNCTION_TYPES, LISTEN, calleeName, keyName, unwrap, type Node, type Path } from './ast.js';
import type { SiteContext } from './context.js';

/** The socket of the WebSocket handler around `path`, as source text for the context. */
export function findSocket(c: SiteContext, path: Path): string | undefined {
  const name = (node: Node | undefined): string | undefined => (node?.type === 'Identifier' ? (node.name as string) : undefined);
  for (let current: Path | null = path.parent as Path | null; current; current = current.parent as Path | null) {
    const fn = current.node as Node;
    if (!FUNCTION_TYPES.test(fn.type)) continue;
    const params = ((fn.params as Node[] | undefined) ?? []).map((param) => unwrap(param.type === 'TSParameterProperty' ? (param.parameter as Node) : param));
    const parentNode = current.parent?.node as Node | undefined;
    if (parentNode?.type === 'CallExpression' && (parentNode.arguments as Node[]).includes(fn)) {
      const callee = unwrap(parentNode.callee as Node);
      const event = (parentNode.arguments as Node[])[0];
      if (callee?.type === 'MemberExpression' && LISTEN.has(calleeName(callee) ?? '')) {
        const eventName = event && (event.type === 'StringLiteral' || event.type === 'Literal') ? String(event.value) : '';
        if (eventName === 'connection' || eventName === 'connect') return name(params[0]);
        const receiver = unwrap(callee.object as Node);
        if (receiver?.type === 'Identifier') return receiver.name as string;
        if (receiver?.type === 'MemberExpression' && (receiver.object as Node).type === 'ThisExpression') return c.text(receiver);
      }
      if (calleeName(parentNode.callee as Node) === 'handleUpgrade') return name(params[0]);
      if (calleeName(parentNode.callee as Node) === 'ws') return name(params[0]);
    }
    if (parentNode?.type === 'AssignmentExpression' && parentNode.right === fn) {
      const left = parentNode.left as Node;
      if (left.type === 'MemberExpression' && /^on(message|open|close|error)$/.test(calleeName(left) ?? '')) return name(unwrap(left.object as Node));
    }
    const methodName = fn.type === 'ObjectMethod' || fn.type === 'ClassMethod' ? keyName(fn) : parentNode?.type === 'ObjectProperty' ? keyName(parentNode) : undefined;
    if (methodName && /^(message|open|close|drain|handleConnection|handleDisconnect|webSocketMessage|webSocketClose)$/.test(methodName)) return name(params[0]);
    if (methodName && /^on(Message|Open|Close)$/.test(methodName)) return name(params[1]);
    const decorated = ((fn.params as Node[] | undefined) ?? []).find((param) =>
      ((param.decorators as Node[] | undefined) ?? []).some((decorator) => {
        const expression = unwrap(decorator.expression as Node);
        return calleeName(expression?.type === 'CallExpression' ? (expression.callee as Node) : expression) === 'ConnectedSocket';
      }),
    );
    if (decorated) return name(unwrap(decorated));
  }
  return socketParameter(path);
}

/** Failing a registration the codemod recognises: an enclosing function's parameter named like a socket. */
function socketParameter(path: Path): string | undefined {
  for (let current: Path | null = path.parent as Path | null; current; current = current.parent as Path | null) {
    const fn = current.node as Node;
    if (!FUNCTION_TYPES.test(fn.type)) continue;
    const param = ((fn.params as Node[] | undefined) ?? []).map((p) => unwrap(p)).find((p) => p?.type === 'Identifier' && /^(socket|ws|webSocket|websocket|client|peer|connection)$/.test(p.name as string));
    if (param) return param.name as string;
  }
  return undefined;
}
