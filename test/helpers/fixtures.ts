import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isSourceFile } from '../../src/discover/files.js';
import type { Finding } from '../../src/types.js';

/** `// expect: fake-request, request-scoped-factory`, `// ok: why this is fine`, `// todo: fake-request (known miss)`. */
const ANNOTATION = /\/\/\s*(expect|ok|todo):\s*(.*)$/;

export interface Expectation {
  file: string;
  line: number;
  ruleId: string;
}

export interface FixtureAnnotations {
  expected: Expectation[];
  todo: Expectation[];
  /** Files in the fixture that carry no annotation at all (an error: every fixture states what it tests). */
  unannotated: string[];
}

export function sourceFilesOf(entry: string): string[] {
  if (statSync(entry).isFile()) return [entry];
  return readdirSync(entry, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(entry, name))
    .filter((file) => statSync(file).isFile() && isSourceFile(file))
    .sort();
}

export function readAnnotations(entry: string): FixtureAnnotations {
  const result: FixtureAnnotations = { expected: [], todo: [], unannotated: [] };
  for (const file of sourceFilesOf(entry)) {
    let annotated = false;
    readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .forEach((text, index) => {
        const match = ANNOTATION.exec(text);
        if (!match) return;
        annotated = true;
        const [, kind, rest = ''] = match;
        if (kind === 'ok') return;
        const rules = rest.split(/[\s,]+/).filter((word) => /^[a-z]+(-[a-z]+)+$/.test(word));
        const target = kind === 'expect' ? result.expected : result.todo;
        for (const ruleId of rules) target.push({ file, line: index + 1, ruleId });
      });
    if (!annotated) result.unannotated.push(file);
  }
  return result;
}

export interface Comparison {
  missing: Expectation[];
  noisy: Finding[];
  /** A `todo` that is now found: promote it to `expect`. */
  fixedTodos: Expectation[];
}

export function compare(annotations: FixtureAnnotations, findings: Finding[]): Comparison {
  const key = (file: string, line: number, ruleId: string): string => `${file}:${line}:${ruleId}`;
  const found = new Set(findings.map((f) => key(f.file, f.line, f.ruleId)));
  const expected = new Set(annotations.expected.map((e) => key(e.file, e.line, e.ruleId)));
  return {
    missing: annotations.expected.filter((e) => !found.has(key(e.file, e.line, e.ruleId))),
    noisy: findings.filter((f) => !expected.has(key(f.file, f.line, f.ruleId))),
    fixedTodos: annotations.todo.filter((t) => found.has(key(t.file, t.line, t.ruleId))),
  };
}

export function describeComparison(comparison: Comparison, root: string): string {
  const rel = (file: string): string => path.relative(root, file);
  return [
    ...comparison.missing.map((m) => `missing: ${m.ruleId} at ${rel(m.file)}:${m.line}`),
    ...comparison.noisy.map((n) => `noisy: ${n.ruleId} at ${rel(n.file)}:${n.line}:${n.column} — ${n.message.slice(0, 140)}`),
    ...comparison.fixedTodos.map((t) => `todo now found (promote to expect): ${t.ruleId} at ${rel(t.file)}:${t.line}`),
  ].join('\n');
}

/** Every fixture: one scan each. Folders under fixtures/rules/<rule>/, fixtures/frameworks/ and fixtures/idioms/ are multi-file fixtures. */
export function listFixtures(root: string): string[] {
  const fixtures: string[] = [];
  for (const group of ['rules', 'frameworks', 'shapes', 'near-misses', 'cross-file', 'idioms']) {
    const dir = path.join(root, 'fixtures', group);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      if (group === 'rules' && statSync(full).isDirectory()) {
        for (const inner of readdirSync(full).sort()) fixtures.push(path.join(full, inner));
      } else {
        fixtures.push(full);
      }
    }
  }
  fixtures.push(path.join(root, 'fixtures', 'demo-app'));
  return fixtures;
}
