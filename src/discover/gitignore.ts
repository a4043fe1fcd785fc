/**
 * .gitignore matching for the walk: each file's rules compiled to a few combined regular
 * expressions, so an entry costs a handful of regex tests rather than one per rule.
 *
 * Semantics are git's, as the `ignore` package (v7) implements them, which the walk used before and
 * which test/gitignore.test.ts holds this module to: the last matching rule decides (a `!` rule
 * re-includes); a rule with a `/` at its start or in its middle is anchored to the .gitignore's
 * folder, any other matches a name at any depth; a trailing `/` matches folders only; `**` as a
 * whole segment spans folders (`**\/x`, `x/**`, `x/**\/y`), `*`, `?` and `[...]` stay within one;
 * `\` quotes the next character; trailing unquoted spaces are dropped; `#` starts a comment;
 * matching ignores case (the package's default).
 *
 * A layer answers for one path, not for its parents: the walk never enters a folder it ignores, so
 * the folders above an entry are already known not to be ignored.
 */

export interface GitignoreRule {
  /** The line as written (for messages: "ignore rule `dist/` in …/.gitignore"). */
  pattern: string;
  negative: boolean;
  /** Matches folders only (a trailing `/`). */
  dirOnly: boolean;
  /** Matches the last path segment alone (no `/` in the pattern but a trailing one). */
  basename: boolean;
  /**
   * The regular expression source, without flags: for a `basename` rule matched against the
   * whole name, otherwise from the start of the path relative to the .gitignore's folder (no
   * trailing `/` on either), carrying its own end.
   */
  source: string;
  /** For a rule with a quoted `/`: the source to match against a folder's path followed by `/`. */
  folderSource?: string;
  /** For a `basename` rule that is a plain ASCII name: the name (matched regardless of case). */
  exact?: string;
  /** For a `basename` rule that is `*` and a plain ASCII name: that name's text, which ends the names it matches. */
  suffix?: string;
  /** For a rule anchored to the .gitignore's folder whose first segment is a plain ASCII name: that name, the first folder of every path it matches. */
  head?: string;
}

export interface Gitignore {
  /** Every rule of the file that can match anything, in file order. */
  rules: readonly GitignoreRule[];
  /** Whether the entry (`path` relative to the .gitignore's folder, `name` its last segment) is ignored. */
  ignores(path: string, name: string, isDir: boolean): boolean;
  /**
   * The file's last rule that matches the entry, ignoring or re-including (`!`), or undefined when
   * none does (the slow path: for messages, and for nested files, where the deepest one with a
   * matching rule decides).
   */
  decidingRule(path: string, name: string, isDir: boolean): GitignoreRule | undefined;
}

const BOM = '\uFEFF';
/** A name of letters, digits, `_`, `-` and `.`, optionally folders only: a rule of no wildcard, escape or anchor. */
const PLAIN_NAME = /^([\w.-]+)(\/?)$/;
const FLAGS = 'i';
const NON_SLASH = '[^\\/]';
/** Any text after a `/`: what a trailing `/**` matches (at least one character, none of them counted). */
const TRAILING_GLOBSTAR = '\\/[\\s\\S]';

/** Parses and compiles a .gitignore's text. */
export function parseGitignore(text: string): Gitignore {
  return compileGitignore(parseRules(text));
}

/** The rules of a .gitignore's text, in order, without comments, blank lines and rules that match nothing. */
export function parseRules(text: string): GitignoreRule[] {
  const body = text.endsWith('\r') ? text.slice(0, -1) : text;
  const rules: GitignoreRule[] = [];
  body.split(/\r?\n/).forEach((line, index) => {
    const rule = parseRule(index === 0 && line.startsWith(BOM) ? line.slice(1) : line, line);
    if (rule) rules.push(rule);
  });
  return rules;
}

/** A matcher over the given rules (a parsed file, or a subset of one). */
export function compileGitignore(rules: readonly GitignoreRule[]): Gitignore {
  // Compiled when first asked: a layer may only ever be asked about folders, or about files.
  let forFiles: Matcher | undefined;
  let forDirs: Matcher | undefined;
  const single = new Map<string, RegExp>();
  const matchesOne = (rule: GitignoreRule, path: string, name: string, isDir: boolean): boolean => {
    if (rule.basename) return regexOf(`^(?:${rule.source})$`, single).test(name);
    if (isDir && rule.folderSource) return regexOf(`^(?:${rule.folderSource})`, single).test(`${path}/`);
    return regexOf(`^(?:${rule.source})`, single).test(path);
  };
  return {
    rules,
    ignores(path, name, isDir) {
      const matcher = isDir ? (forDirs ??= compileMatcher(rules, true)) : (forFiles ??= compileMatcher(rules.filter((rule) => !rule.dirOnly), false));
      return mayMatch(matcher.positive, path, name) && decide(matcher.runs, path, name);
    },
    decidingRule(path, name, isDir) {
      const candidates = isDir ? rules : rules.filter((rule) => !rule.dirOnly);
      for (let index = candidates.length - 1; index >= 0; index--) {
        const rule = candidates[index] as GitignoreRule;
        if (matchesOne(rule, path, name, isDir)) return rule;
      }
      return undefined;
    },
  };
}

interface Matcher {
  /** A quick test that no rule ignoring anything matches: the answer for most entries. */
  positive: Candidates;
  runs: Run[];
}

function compileMatcher(rules: readonly GitignoreRule[], forDirs: boolean): Matcher {
  return { positive: compileCandidates(rules.filter((rule) => !rule.negative), forDirs), runs: compileRuns(rules, forDirs) };
}

/**
 * Rules as a test that can only err towards "may match": names as written (`node_modules`,
 * `.env`) in a set and `*.log`-like suffixes by last character, both lower-cased (ASCII only, so that
 * lower-casing agrees with the expressions' case-insensitive matching), the rest as expressions.
 */
interface Candidates {
  names: Set<string>;
  /** The suffixes by their last character's code. */
  suffixes: Map<number, string[]>;
  patterns: RegExp | undefined;
  /** The rules anchored under a named first folder (`dist/…`, `/build`), by that name lower-cased: only a path that starts there can match them. */
  heads: Map<string, RegExp>;
  paths: RegExp | undefined;
  folderPaths: RegExp | undefined;
}

function compileCandidates(rules: readonly GitignoreRule[], forDirs: boolean): Candidates {
  const names = new Set<string>();
  const suffixes = new Map<number, string[]>();
  const headed = new Map<string, string[]>();
  const others: GitignoreRule[] = [];
  for (const rule of rules) {
    if (rule.exact !== undefined) names.add(rule.exact.toLowerCase());
    else if (rule.suffix !== undefined) {
      const suffix = rule.suffix.toLowerCase();
      const last = suffix.charCodeAt(suffix.length - 1);
      suffixes.set(last, [...(suffixes.get(last) ?? []), suffix]);
    } else if (rule.head !== undefined && !(forDirs && rule.folderSource !== undefined)) {
      const head = rule.head.toLowerCase();
      headed.set(head, [...(headed.get(head) ?? []), rule.source]);
    } else others.push(rule);
  }
  const heads = new Map([...headed].map(([head, sources]) => [head, combined(sources, '') as RegExp]));
  const rest = compileRuns(others, forDirs)[0];
  return { names, suffixes, patterns: rest?.names, heads, paths: rest?.paths, folderPaths: rest?.folderPaths };
}

function mayMatch(candidates: Candidates, path: string, name: string): boolean {
  if (candidates.names.size > 0 || candidates.suffixes.size > 0) {
    const lower = name.toLowerCase();
    if (candidates.names.has(lower)) return true;
    const suffixes = candidates.suffixes.get(lower.charCodeAt(lower.length - 1));
    if (suffixes) for (const suffix of suffixes) if (lower.endsWith(suffix)) return true;
  }
  if (candidates.heads.size > 0) {
    const slash = path.indexOf('/');
    if (candidates.heads.get((slash < 0 ? path : path.slice(0, slash)).toLowerCase())?.test(path)) return true;
  }
  return Boolean(candidates.patterns?.test(name) || candidates.paths?.test(path) || candidates.folderPaths?.test(`${path}/`));
}

/** A rule's own expression (the slow path), compiled once. */
function regexOf(source: string, cache: Map<string, RegExp>): RegExp {
  let regex = cache.get(source);
  if (!regex) cache.set(source, (regex = new RegExp(source, FLAGS)));
  return regex;
}

/** Consecutive rules of the same polarity, as combined expressions: for names, for paths, for folder paths followed by `/`. */
interface Run {
  negative: boolean;
  names: RegExp | undefined;
  paths: RegExp | undefined;
  folderPaths: RegExp | undefined;
}

/** Last run first: the run holding the last matching rule decides, as the last matching rule does in git. */
function decide(runs: readonly Run[], path: string, name: string): boolean {
  for (let index = runs.length - 1; index >= 0; index--) {
    const run = runs[index] as Run;
    if (run.names?.test(name) || run.paths?.test(path) || run.folderPaths?.test(`${path}/`)) return !run.negative;
  }
  return false;
}

function compileRuns(rules: readonly GitignoreRule[], forDirs: boolean): Run[] {
  const runs: Run[] = [];
  let start = 0;
  for (let index = 1; index <= rules.length; index++) {
    if (index < rules.length && (rules[index] as GitignoreRule).negative === (rules[start] as GitignoreRule).negative) continue;
    const group = rules.slice(start, index);
    const folderForm = (rule: GitignoreRule): boolean => forDirs && rule.folderSource !== undefined;
    runs.push({
      negative: (rules[start] as GitignoreRule).negative,
      names: combined(group.filter((rule) => rule.basename).map((rule) => rule.source), '$'),
      paths: combined(group.filter((rule) => !rule.basename && !folderForm(rule)).map((rule) => rule.source), ''),
      folderPaths: combined(group.filter(folderForm).map((rule) => rule.folderSource as string), ''),
    });
    start = index;
  }
  return runs;
}

function combined(sources: string[], end: string): RegExp | undefined {
  return sources.length > 0 ? new RegExp(`^(?:${sources.join('|')})${end}`, FLAGS) : undefined;
}

type Token =
  | { kind: 'literal'; text: string }
  | { kind: 'star'; count: number }
  | { kind: 'any' }
  | { kind: 'class'; source: string }
  | { kind: 'slash' };

/** One line as a rule, or undefined for a comment, a blank line or a pattern that can match nothing. */
function parseRule(line: string, pattern: string): GitignoreRule | undefined {
  if (line.startsWith('#')) return undefined;
  const negative = line.startsWith('!');
  let body = trimTrailingSpaces(negative ? line.slice(1) : line);
  // Most lines are a plain name (`node_modules`, `.env`, `dist/`): no need to take them apart.
  const plain = PLAIN_NAME.exec(body);
  if (plain) {
    const name = plain[1] as string;
    return { pattern, negative, dirOnly: plain[2] === '/', source: name.replace(/\./g, '\\.'), basename: true, exact: name };
  }
  if (!body || endsWithLoneBackslash(body)) return undefined;
  if (/^\/\*{2,}$/.test(body)) body = '**';
  // A `/` before the last character anchors the rule to the .gitignore's folder (a quoted one too).
  const anchored = /\/(?!$)/.test(body);
  const dirOnly = body.endsWith('/');
  // `foo\/`: a quoted final `/` is no folder mark, and git never matches such a pattern.
  if (dirOnly && endsWithLoneBackslash(body.slice(0, -1))) return undefined;
  const tokens = tokenize(dirOnly ? body.slice(0, -1) : body);
  if (!tokens) return undefined;
  const source = sourceOf(tokens, anchored, dirOnly);
  return source === undefined ? undefined : { pattern, negative, dirOnly, ...source };
}

/** Drops trailing spaces; a space quoted by a backslash stays (with its backslash). */
function trimTrailingSpaces(body: string): string {
  let end = body.length;
  while (body[end - 1] === ' ') end--;
  if (end === body.length) return body;
  let backslashes = 0;
  while (body[end - backslashes - 1] === '\\') backslashes++;
  return backslashes % 2 === 1 ? body.slice(0, end + 1) : body.slice(0, end);
}

function endsWithLoneBackslash(body: string): boolean {
  let count = 0;
  while (body[body.length - count - 1] === '\\') count++;
  return count % 2 === 1;
}

/** The pattern's tokens, or undefined when it can match nothing (an unterminated `[`). */
function tokenize(body: string): Token[] | undefined {
  const tokens: Token[] = [];
  for (let index = 0; index < body.length; ) {
    const char = body[index] as string;
    if (char === '\\') {
      tokens.push({ kind: 'literal', text: body[index + 1] as string });
      index += 2;
    } else if (char === '*') {
      let end = index;
      while (body[end] === '*') end++;
      tokens.push({ kind: 'star', count: end - index });
      index = end;
    } else if (char === '?') {
      tokens.push({ kind: 'any' });
      index++;
    } else if (char === '[') {
      const bracket = scanBracket(body, index);
      if (!bracket) return undefined;
      tokens.push({ kind: 'class', source: bracket.source });
      index = bracket.end + 1;
    } else if (char === '/') {
      tokens.push({ kind: 'slash' });
      index++;
    } else {
      tokens.push({ kind: 'literal', text: char });
      index++;
    }
  }
  return tokens;
}

/** A run of two or more `*` that is a whole segment: `**`, which spans folders. */
function isGlobstar(tokens: readonly Token[], index: number): boolean {
  const token = tokens[index];
  if (token?.kind !== 'star' || token.count < 2) return false;
  const before = tokens[index - 1];
  const after = tokens[index + 1];
  return (before === undefined || before.kind === 'slash') && (after === undefined || after.kind === 'slash');
}

/**
 * The rule's regex source, and whether it matches names alone. Undefined when the pattern matches
 * no path (a `/` alone).
 */
function sourceOf(all: Token[], anchored: boolean, dirOnly: boolean): Pick<GitignoreRule, 'source' | 'basename' | 'folderSource' | 'exact' | 'suffix' | 'head'> | undefined {
  let tokens = all[0]?.kind === 'slash' ? all.slice(1) : all;
  // Leading `**/` (any number, after an optional `/`): the rest matches at any depth. (`**/` alone,
  // its `/` the folders-only mark, is left as `**`: every name, folders only.)
  let floating = !anchored;
  while (isGlobstar(tokens, 0) && tokens[1]?.kind === 'slash') {
    tokens = tokens.slice(2);
    floating = true;
  }
  if (isGlobstar(tokens, 0)) floating = true;
  // `/`, `**//`: nothing.
  if (tokens.length === 0) return undefined;
  const literalSlash = tokens.some((token) => token.kind === 'literal' && token.text === '/');
  if (floating && !literalSlash && !tokens.some((token) => token.kind === 'slash')) {
    return { source: tokens.map((token, index) => tokenSource(tokens, index)).join(''), basename: true, ...plainName(tokens) };
  }
  let source = floating ? '(?:[\\s\\S]*\\/)?' : '';
  let open = true;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    if (token.kind === 'slash' && isGlobstar(tokens, index + 1)) {
      if (index + 2 === tokens.length) {
        source += TRAILING_GLOBSTAR;
        open = false;
        break;
      }
      // `/**/`: zero or more folders between.
      source += '(?:\\/[^\\/]+)*';
      index++;
      continue;
    }
    source += tokenSource(tokens, index);
  }
  const head = floating || literalSlash ? undefined : firstName(tokens);
  if (!open) return { source, basename: false, ...head };
  if (!literalSlash) return { source: `${source}$`, basename: false, ...head };
  // A quoted `/` can stand for the `/` that ends a folder's path (`*\/**` matches the folder `x`,
  // as in git): matched against the path with that `/`, where a final single `*` after a `/` needs a character.
  const last = tokens.length - 1;
  const [before, final] = [tokens[last - 1], tokens[last]];
  const lastIsStarAfterSlash = final?.kind === 'star' && final.count === 1 && (before?.kind === 'slash' || (before?.kind === 'literal' && before.text === '/'));
  const folderSource = `${lastIsStarAfterSlash ? `${source.slice(0, -1)}+` : source}${dirOnly ? '\\/$' : '(?=$|\\/$)'}`;
  return { source: `${source}$`, basename: false, folderSource };
}

/** A name rule's plain ASCII text: the whole name (`node_modules`), or what follows a leading `*` (`*.log`). */
function plainName(tokens: readonly Token[]): { exact: string } | { suffix: string } | undefined {
  const star = tokens[0]?.kind === 'star';
  const rest = star ? tokens.slice(1) : tokens;
  let text = '';
  for (const token of rest) {
    if (token.kind !== 'literal' || token.text.charCodeAt(0) > 0x7f) return undefined;
    text += token.text;
  }
  if (!text) return undefined;
  return star ? { suffix: text } : { exact: text };
}

/** The plain ASCII name before the first `/` (or the end) of an anchored pattern. */
function firstName(tokens: readonly Token[]): { head: string } | undefined {
  let text = '';
  for (const token of tokens) {
    if (token.kind === 'slash') break;
    if (token.kind !== 'literal' || token.text.charCodeAt(0) > 0x7f) return undefined;
    text += token.text;
  }
  return text ? { head: text } : undefined;
}

function tokenSource(tokens: readonly Token[], index: number): string {
  const token = tokens[index] as Token;
  switch (token.kind) {
    case 'literal':
      return escapeLiteral(token.text);
    case 'star':
      return `${NON_SLASH}*`;
    case 'any':
      return NON_SLASH;
    case 'class':
      return token.source;
    case 'slash':
      return '\\/';
  }
}

function escapeLiteral(text: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(text) ? `\\${text}` : text;
}

/** What each POSIX class name covers, in ASCII as git's wildmatch classifies; `/` left out (a class never matches it). */
const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-.0-~',
  lower: 'a-z',
  print: ' -.0-~',
  punct: '!-.:-@\\[-`{-~',
  space: ' \\t\\n\\r',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
};

function classMember(char: string): string {
  return '\\]^-['.includes(char) ? `\\${char}` : char;
}

/**
 * The bracket expression starting at `pattern[start]` (`[`), as git's wildmatch reads it: a `]`
 * first (after an optional `!` or `^`) is a member, `\` quotes a member, `a-z` is a range (an
 * inverted one keeps only its first member), `[:name:]` is a POSIX class (an unknown name matches
 * nothing). Undefined when it never closes or names an unknown class: the pattern matches nothing.
 */
function scanBracket(pattern: string, start: number): { end: number; source: string } | undefined {
  let index = start + 1;
  const negated = pattern[index] === '!' || pattern[index] === '^';
  if (negated) index++;
  let body = '';
  // The member a `-` can start a range from ('' right after a range or a class).
  let previous = '';
  for (;;) {
    const char = pattern[index];
    if (char === undefined) return undefined;
    if (char === '\\') {
      const quoted = pattern[++index] as string;
      body += classMember(quoted);
      previous = quoted;
    } else if (char === '-' && previous && index + 1 < pattern.length && pattern[index + 1] !== ']') {
      let to = pattern[++index] as string;
      if (to === '\\') to = pattern[++index] as string;
      if (previous <= to) body += `-${classMember(to)}`;
      previous = '';
    } else if (char === '[' && pattern[index + 1] === ':') {
      const nameStart = index + 2;
      const end = pattern.indexOf(']', nameStart);
      if (end < 0) return undefined;
      if (end > nameStart && pattern[end - 1] === ':') {
        const members = POSIX_CLASSES[pattern.slice(nameStart, end - 1)];
        if (members === undefined) return undefined;
        body += members;
        previous = '';
        index = end;
      } else {
        body += classMember('[');
        previous = '[';
      }
    } else {
      body += classMember(char);
      previous = char;
    }
    index++;
    if (pattern[index] === ']') return { end: index, source: classSource(negated, body) };
  }
}

/** A class never matches `/`: excluded from a negated one, guarded by a lookahead where a member could let it in. */
function classSource(negated: boolean, body: string): string {
  if (negated) return `[^\\/${body}]`;
  const source = `[${body}]`;
  return new RegExp(source).test('/') ? `(?!\\/)${source}` : source;
}
