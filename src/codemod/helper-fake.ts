import type { JSCodeshift } from 'jscodeshift';
import { refusal } from './advice.js';
import { FUNCTION_TYPES, calleeName, isReference, keyName, unwrap, type Node, type Path } from './ast.js';
import type { SiteContext } from './context.js';

export type Field = 'userId' | 'threadId' | 'runId';
export type FieldTexts = Partial<Record<Field, string>>;
type FieldNodes = Partial<Record<Field, Node>>;

/** A module the project step loaded for this file: its text and parser. */
export interface LoadedModule {
  source: string;
  j: JSCodeshift;
}

/**
 * A fake returned by a helper (`getRequestScopedSupervisor(requestFor(msg.userId))`): the helper's
 * returned literal, in this file or in the module it is imported from, with its parameters
 * replaced by the call's arguments. The helper must do nothing but return the literal, and the
 * fields may read nothing but its parameters.
 */
export function fieldsFromHelper(c: SiteContext, at: Path, call: Node, derive: (fake: Node) => FieldNodes): FieldTexts | string {
  const name = calleeName(call.callee as Node) ?? 'a helper';
  const found = helperFunction(c, at, call);
  if (typeof found === 'string') return refusal(found, 'helperFake');
  const { fn, source } = found;
  const returned = returnedValue(fn);
  if (!returned) return refusal(`\`${name}()\` does more than return the fake`, 'helperFake');
  const params = (fn.params as Node[]).map((param) => unwrap(param));
  if (params.some((param) => param?.type !== 'Identifier')) return refusal(`\`${name}()\` takes destructured or default parameters`, 'helperFake');
  const args = call.arguments as Node[];
  const nodes = derive(returned);
  const texts: FieldTexts = {};
  for (const [field, node] of Object.entries(nodes) as [Field, Node][]) {
    const text = substitute(found.j, source, node, params.map((param) => param?.name as string), args.map((arg) => c.text(arg)));
    if (typeof text !== 'string') return refusal(`\`${field}\` in \`${name}()\` reads \`${text.free}\`, which is not one of its parameters`, 'helperFake');
    texts[field] = text;
  }
  return texts;
}

function returnedValue(fn: Node): Node | undefined {
  const body = fn.body as Node;
  if (body.type !== 'BlockStatement') return unwrap(body);
  const statements = body.body as Node[];
  const last = statements[0];
  return statements.length === 1 && last?.type === 'ReturnStatement' ? unwrap(last.argument as Node) : undefined;
}

/** The field's text with each parameter replaced by its argument; `{ free }` when it reads anything else. */
function substitute(j: JSCodeshift, source: string, node: Node, params: string[], args: string[]): string | { free: string } {
  const start = node.start ?? 0;
  const replacements: { start: number; end: number; text: string }[] = [];
  let free: string | undefined;
  const visit = (path: Path): void => {
    const identifier = path.node as Node;
    if (!isReference(path)) return;
    const index = params.indexOf(identifier.name as string);
    if (index < 0) {
      free ??= identifier.name as string;
      return;
    }
    const arg = args[index] ?? 'undefined';
    const simple = /^[\w$.]+$/.test(arg);
    replacements.push({ start: (identifier.start ?? 0) - start, end: (identifier.end ?? 0) - start, text: simple ? arg : `(${arg})` });
  };
  const text = source.slice(start, node.end ?? 0);
  if (node.type === 'Identifier') {
    const index = params.indexOf(node.name as string);
    return index < 0 ? { free: node.name as string } : (args[index] ?? 'undefined');
  }
  j(node as never).find(j.Identifier).forEach((path: Path) => visit(path));
  if (free) return { free };
  let output = text;
  for (const replacement of replacements.sort((a, b) => b.start - a.start)) output = output.slice(0, replacement.start) + replacement.text + output.slice(replacement.end);
  return output;
}

/** The helper's function: declared in this file, or exported by the module it is imported from. */
function helperFunction(c: SiteContext, at: Path, call: Node): { fn: Node; source: string; j: JSCodeshift } | string {
  const callee = unwrap(call.callee as Node);
  if (callee?.type !== 'Identifier') return `the fake comes from \`${c.text(call.callee as Node)}()\`, which the codemod does not follow`;
  const name = callee.name as string;
  const scope = (at as unknown as { scope?: { lookup(n: string): { getBindings(): Record<string, Path[]> } | null } }).scope?.lookup(name);
  const binding = scope?.getBindings()[name]?.[0];
  const holder = binding?.parent?.node as Node | undefined;
  if (holder && FUNCTION_TYPES.test(holder.type) && holder.id === binding?.node) return { fn: holder, source: c.source, j: c.j };
  if (holder?.type === 'VariableDeclarator' && FUNCTION_TYPES.test(unwrap(holder.init as Node)?.type ?? '')) return { fn: unwrap(holder.init as Node) as Node, source: c.source, j: c.j };
  const imported = importOf(c, name);
  if (!imported) return `the fake comes from \`${name}()\`, which is neither declared here nor imported from a module of the project`;
  const loaded = c.project.loadModule?.(imported.specifier);
  if (!loaded) return `the fake comes from \`${name}()\` in \`${imported.specifier}\`, which is not a module of the project`;
  let fn: Node | undefined;
  try {
    fn = exportedFunction(loaded, imported.name);
  } catch {
    return `the fake comes from \`${name}()\` in \`${imported.specifier}\`, which does not parse`;
  }
  if (!fn) return `\`${imported.specifier}\` does not export \`${imported.name}\` as a function the codemod can read`;
  return { fn, source: loaded.source, j: loaded.j };
}

/** `import { name as local } from 'x'` or `const { name: local } = require('x')`. */
function importOf(c: SiteContext, local: string): { specifier: string; name: string } | undefined {
  let found: { specifier: string; name: string } | undefined;
  c.root.find(c.j.ImportDeclaration).forEach((path: Path) => {
    const node = path.node as Node;
    for (const specifier of node.specifiers as Node[]) {
      if (specifier.type !== 'ImportSpecifier' || (specifier.local as Node).name !== local) continue;
      const imported = specifier.imported as Node;
      found = { specifier: String((node.source as Node).value), name: (imported.name ?? imported.value) as string };
    }
  });
  c.root.find(c.j.VariableDeclarator).forEach((path: Path) => {
    const node = path.node as Node;
    const init = unwrap(node.init as Node);
    const id = node.id as Node;
    if (id.type !== 'ObjectPattern' || init?.type !== 'CallExpression' || calleeName(init.callee as Node) !== 'require') return;
    const specifier = unwrap((init.arguments as Node[])[0]);
    for (const property of id.properties as Node[]) {
      if (property.type === 'ObjectProperty' && unwrap(property.value as Node)?.name === local) found = { specifier: String(specifier?.value), name: keyName(property) ?? local };
    }
  });
  return found;
}

/** `export function name`, `export const name = (...) =>`, `exports.name = function`, `module.exports = { name }`. */
function exportedFunction(loaded: LoadedModule, name: string): Node | undefined {
  const root = loaded.j(loaded.source);
  const declared = new Map<string, Node>();
  root.find(loaded.j.FunctionDeclaration).forEach((path: Path) => {
    const node = path.node as Node;
    if (node.id) declared.set((node.id as Node).name as string, node);
  });
  root.find(loaded.j.VariableDeclarator).forEach((path: Path) => {
    const node = path.node as Node;
    const init = unwrap(node.init as Node);
    if ((node.id as Node).type === 'Identifier' && init && FUNCTION_TYPES.test(init.type)) declared.set((node.id as Node).name as string, init);
  });
  let exported: Node | undefined;
  root.find(loaded.j.ExportNamedDeclaration).forEach((path: Path) => {
    const node = path.node as Node;
    const declaration = node.declaration as Node | null;
    if (declaration?.type === 'FunctionDeclaration' && (declaration.id as Node).name === name) exported = declaration;
    if (declaration?.type === 'VariableDeclaration') for (const d of declaration.declarations as Node[]) if ((d.id as Node).name === name) exported = declared.get(name);
    for (const specifier of (node.specifiers as Node[] | undefined) ?? []) {
      const as = specifier.exported as Node;
      if ((as.name ?? as.value) === name) exported = declared.get((specifier.local as Node).name as string);
    }
  });
  root.find(loaded.j.AssignmentExpression).forEach((path: Path) => {
    const node = path.node as Node;
    const left = unwrap(node.left as Node);
    const right = unwrap(node.right as Node);
    if (left?.type !== 'MemberExpression') return;
    const target = memberPath(left);
    if (target === `exports.${name}` || target === `module.exports.${name}`) exported = right && FUNCTION_TYPES.test(right.type) ? right : right?.type === 'Identifier' ? declared.get(right.name as string) : undefined;
    if (target === 'module.exports' && right?.type === 'ObjectExpression') {
      for (const property of right.properties as Node[]) {
        if (keyName(property) !== name) continue;
        const value = unwrap((property.value as Node | undefined) ?? property);
        exported = property.type === 'ObjectMethod' ? property : value && FUNCTION_TYPES.test(value.type) ? value : value?.type === 'Identifier' ? declared.get(value.name as string) : undefined;
      }
    }
  });
  return exported;
}

/** `a.b.c` for a plain member chain. */
function memberPath(node: Node): string | undefined {
  const inner = unwrap(node);
  if (inner?.type === 'Identifier') return inner.name as string;
  if (inner?.type !== 'MemberExpression' || inner.computed) return undefined;
  const object = memberPath(inner.object as Node);
  return object ? `${object}.${(inner.property as Node).name as string}` : undefined;
}
