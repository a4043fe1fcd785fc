import path from 'node:path';
import type { JSCodeshift } from 'jscodeshift';
import { calleeName, keyName, unwrap, type Node, type Path } from './ast.js';
import { emptyLinks, type ProjectLinks } from './context.js';
import { rewrites } from './edits.js';
import { engineSupport, type EngineSupport } from './socketio-version.js';
import { offsetOf, rewrite, type FixPlan, type RewriteOptions, type RewriteResult } from './rewrite.js';

/** What the project step needs from its caller: files, their text, a parser and a module resolver. */
export interface ProjectInput {
  /** The sites to act on, per file. */
  plans: Map<string, FixPlan>;
  read(file: string): string | undefined;
  /** Every source file of the project (where the callers of an exported helper may be). */
  files(): string[];
  resolve(fromFile: string, specifier: string): string | undefined;
  parser(file: string): JSCodeshift;
  /** Parses a file's text straight to an AST for the parser's `j` (optional: else `j(source)`). */
  parse?(file: string, source: string): unknown;
  options: RewriteOptions;
}

export type FileRewrite = { file: string; source: string; result: RewriteResult } | { file: string; error: unknown };

/**
 * Rewrites every planned file, then follows exported socket.io wrapper helpers into the modules
 * that import them: their `io.use(wrap(mw))` calls become `io.engine.use(mw)`, and the helper (with
 * its export) is deleted only when no use of it is left anywhere. Pure over `input`: nothing is
 * written here.
 */
export function rewriteProject(input: ProjectInput): Map<string, FileRewrite> {
  const outcomes = new Map<string, FileRewrite>();
  const run = (file: string, links: ProjectLinks = emptyLinks()): FileRewrite | undefined => {
    const source = input.read(file);
    if (source === undefined) return undefined;
    links.file = file;
    if (input.parse) links.parse = (text) => input.parse?.(file, text);
    let engine: EngineSupport | undefined;
    links.engine = () => (engine ??= engineSupport(file, input.read));
    links.loadModule = (specifier) => {
      const target = input.resolve(file, specifier);
      const text = target === undefined ? undefined : input.read(target);
      return target === undefined || text === undefined ? undefined : { source: text, j: input.parser(target) };
    };
    const plan = input.plans.get(file) ?? { factoryCalls: [], fakeResponses: [], fakeRequests: [], flagBranches: [] };
    try {
      const outcome = { file, source, result: rewrite(input.parser(file), source, plan, input.options, links) };
      outcomes.set(file, outcome);
      return outcome;
    } catch (error) {
      const failed = { file, error };
      outcomes.set(file, failed);
      return failed;
    }
  };
  for (const file of input.plans.keys()) run(file);
  if (input.options.removeLegacy) return outcomes;

  const helperFiles = [...outcomes.values()].flatMap((outcome) => ('result' in outcome && outcome.result.links.exportedHelpers.size > 0 ? [outcome] : []));
  if (helperFiles.length === 0) return outcomes;
  const importerLinks = new Map<string, ProjectLinks>();
  /** For each helper (file + local name): the callee texts in each importer that stand for it. */
  const callers = new Map<string, { importer: string; callee: string }[]>();
  const unknownUses = new Map<string, number>();
  const all = input.files();
  for (const helper of helperFiles) {
    if (!('result' in helper)) continue;
    for (const [local, exportedNames] of helper.result.links.exportedHelpers) {
      const key = `${helper.file}\0${local}`;
      callers.set(key, []);
      for (const importer of all) {
        if (importer === helper.file) continue;
        const text = input.read(importer);
        if (text === undefined || !exportedNames.some((name) => text.includes(name)) || !mayImport(text, importer, helper.file)) continue;
        let found: { callees: string[]; other: number };
        try {
          found = importsOf(input.parser(importer), text, importer, helper.file, exportedNames, input.resolve);
        } catch {
          // A module that does not parse may use the helper in any way: the helper stays.
          found = { callees: [], other: 1 };
        }
        for (const callee of found.callees) {
          const links = importerLinks.get(importer) ?? emptyLinks();
          links.importedWrappers.add(callee);
          importerLinks.set(importer, links);
          callers.get(key)?.push({ importer, callee });
        }
        if (found.other > 0) unknownUses.set(key, (unknownUses.get(key) ?? 0) + found.other);
      }
    }
  }
  for (const [importer, links] of importerLinks) run(importer, links);
  for (const helper of helperFiles) {
    if (!('result' in helper)) continue;
    const links = emptyLinks();
    for (const local of helper.result.links.exportedHelpers.keys()) {
      const key = `${helper.file}\0${local}`;
      const uses = callers.get(key) ?? [];
      // Exported and never imported by the scanned code: other code may call it; keep it.
      if (uses.length === 0) continue;
      let left = unknownUses.get(key) ?? 0;
      for (const { importer, callee } of uses) {
        const outcome = outcomes.get(importer);
        left += outcome && 'result' in outcome ? (outcome.result.wrapperUsesLeft.get(callee) ?? 0) : 1;
      }
      links.externalUses.set(local, left);
    }
    run(helper.file, links);
  }
  return outcomes;
}

/**
 * How a module refers to an exported helper of `target`: the callee texts (`wrap`, `helpers.wrap`)
 * of named/namespace imports and `require` destructuring or objects; `other` counts references the
 * codemod cannot follow (re-exports, `require(...).wrap`).
 */
function importsOf(j: JSCodeshift, source: string, file: string, target: string, names: string[], resolve: ProjectInput['resolve']): { callees: string[]; other: number } {
  const root = j(source);
  const callees: string[] = [];
  let other = 0;
  const fromTarget = (specifier: unknown): boolean => typeof specifier === 'string' && resolve(file, specifier) === target;
  root.find(j.ImportDeclaration).forEach((path: Path) => {
    const node = path.node as Node;
    if (!fromTarget((node.source as Node).value)) return;
    for (const specifier of node.specifiers as Node[]) {
      const local = (specifier.local as Node).name as string;
      if (specifier.type === 'ImportNamespaceSpecifier') for (const name of names) callees.push(`${local}.${name}`);
      if (specifier.type === 'ImportSpecifier') {
        const imported = specifier.imported as Node;
        if (names.includes((imported.name ?? imported.value) as string)) callees.push(local);
      }
    }
  });
  root.find(j.ExportNamedDeclaration).forEach((path: Path) => {
    const node = path.node as Node;
    if (node.source && fromTarget((node.source as Node).value)) other++;
  });
  root.find(j.CallExpression, { callee: { type: 'Identifier', name: 'require' } }).forEach((path: Path) => {
    const node = path.node as Node;
    const specifier = unwrap((node.arguments as Node[])[0]);
    if (!specifier || !fromTarget(specifier.value)) return;
    let holder = path.parent as Path | undefined;
    while (holder && /^(TSAsExpression|ParenthesizedExpression|TSNonNullExpression)$/.test((holder.node as Node).type)) holder = holder.parent as Path;
    const parent = holder?.node as Node | undefined;
    if (parent?.type === 'VariableDeclarator') {
      const id = parent.id as Node;
      if (id.type === 'Identifier') for (const name of names) callees.push(`${id.name as string}.${name}`);
      else if (id.type === 'ObjectPattern') {
        for (const property of id.properties as Node[]) {
          const value = unwrap(property.value as Node);
          if (property.type === 'ObjectProperty' && names.includes(keyName(property) ?? '') && value?.type === 'Identifier') callees.push(value.name as string);
        }
      }
      return;
    }
    if ((parent?.type === 'MemberExpression' || parent?.type === 'OptionalMemberExpression') && names.includes(calleeName(parent) ?? '')) other++;
  });
  return { callees, other };
}

/** Whether a finding (line and column) lies inside an edit the project rewrite made: then `fix` removes it. */
export function isRewritten(outcome: FileRewrite | undefined, site: { line: number; column: number }): boolean {
  if (!outcome || !('result' in outcome) || outcome.result.output === undefined) return false;
  const offset = offsetOf(outcome.source, site);
  return outcome.result.edits.some((edit) => rewrites(edit, offset));
}

/**
 * Cheap test before parsing a module: a module that imports the helper's file names it in a
 * specifier, so its text holds the file's base name (or, for an `index` file, its folder's name or
 * a bare `.`/`..`). Without it, a common helper name sends the project step parsing every module
 * of a large tree that happens to mention it.
 */
function mayImport(text: string, importer: string, target: string): boolean {
  const base = path.basename(target).replace(/\.[^.]+$/, '');
  if (base !== 'index') return text.includes(base);
  if (text.includes(path.basename(path.dirname(target)))) return true;
  return path.dirname(importer) !== path.dirname(target) ? /['"]\.\.?\/?['"]/.test(text) : /['"]\.\/?['"]/.test(text);
}
