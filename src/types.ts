/** 1-based positions; `endColumn` points just past the last character (as in SARIF). */
export interface Loc {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

export type FakeKind = 'request' | 'response';

/** How a fake was fabricated. One recogniser per shape lives in `src/facts/shapes/`. */
export type ShapeId =
  | 'constructor'
  | 'type-assertion'
  | 'prototype'
  | 'mock-library'
  | 'literal'
  | 'spread-literal'
  | 'subclass'
  | 'stand-in';

export type FrameworkId =
  | 'ws'
  | 'socket.io'
  | 'express-ws'
  | 'uWebSockets.js'
  | 'fastify'
  | 'nestjs'
  | 'bun'
  | 'deno'
  | 'cloudflare'
  | 'hono'
  | 'elysia'
  | 'crossws'
  | 'graphql-ws'
  | 'trpc'
  | 'whatwg'
  | 'graphql-subscriptions'
  | 'custom';

/** Where a fake was made. */
export interface FakeOrigin {
  kind: FakeKind;
  shape: ShapeId;
  /** Human description, e.g. "an object literal cast to `NextApiRequest`". */
  describe: string;
  /**
   * Positional fakes (plain literals, `new Response()`) only count once they reach a request or
   * response position; their kind then comes from the position.
   */
  positional: boolean;
  loc: Loc;
  /** Normalised source text of the fabricating expression, for fingerprints. */
  snippet: string;
}

/** Something a called function or imported binding refers to, resolved by `link`. */
export type Target =
  | { t: 'fn'; fn: number }
  | { t: 'import'; source: string; imported: string }
  | { t: 'class'; name: string }
  /** The function values that calling `of` returns: `io.use(wrap(mw))` with `wrap` from another module. */
  | { t: 'result'; of: Target };

/** A value as far as one file can tell: a concrete fake, or a symbolic reference for `link`. */
export type ValueRef =
  | { t: 'fake'; origin: FakeOrigin }
  | { t: 'call'; target: Target }
  | { t: 'new'; target: Target }
  | { t: 'ref'; target: Target };

export type Position = 'request' | 'response';

/** A value that enters a function and may be a fake. */
export interface UseFact {
  value: ValueRef;
  loc: Loc;
  snippet: string;
  /** Set when the value lands in a request/response position (argument of a factory, `req:` …). */
  position?: Position;
  /** Name of the call the value is handed to, for messages: `getToken`. */
  sink?: string;
  /** The value is read from a binding of an enclosing scope rather than made here. */
  outer?: boolean;
}

export interface CallFact {
  target: Target;
  loc: Loc;
}

export interface FactoryCallFact {
  /** Canonical (imported) name of the request-scoped factory. */
  name: string;
  loc: Loc;
  snippet: string;
  /** What the first argument is, as far as this file can tell. */
  arg?: ValueRef[];
}

export interface FunctionFact {
  id: number;
  name: string;
  /** Enclosing function id, -1 for module level. */
  parent: number;
  loc: Loc;
  returns: ValueRef[];
  /** Function values this function returns (`wrap = (mw) => (socket, next) => ...`), for handlers made by calls. */
  returnsFns?: Target[];
  uses: UseFact[];
  calls: CallFact[];
  factoryCalls: FactoryCallFact[];
}

/** A place where a function starts running as WebSocket handling. */
export interface RegistrationFact {
  framework: FrameworkId;
  /** What was registered: "`connection` handler", "`message` hook". */
  event: string;
  handler: Target;
  loc: Loc;
  /**
   * Set when no registration was seen and the function's own shape is the evidence (signature
   * evidence, `src/facts/signature.ts`): a sentence for messages, e.g. "its signature `(socket, next)`…".
   */
  evidence?: string;
}

export interface ClassFact {
  name: string;
  /** Request/response type this class extends or implements, canonical name. */
  fakes?: { kind: FakeKind; typeName: string };
  /** An imported or local base class whose fakeness is decided by `link`. */
  base?: Target;
  /** The constructor's function id: `new X()` runs it. */
  ctor?: number;
  loc: Loc;
}

export interface ExportFact {
  /** Exported name; `default` for default exports. */
  name: string;
  /** The thing exported: a local function, class, or a binding's values. */
  fn?: number;
  className?: string;
  values?: ValueRef[];
  /** `export { a as b } from './x'` / `export * from './x'` (name `*`). */
  from?: { source: string; imported: string };
}

export interface FlagBranchFact {
  loc: Loc;
  snippet: string;
  /** "if/else", "ternary", "if without else". */
  form: string;
}

export interface SuppressionFact {
  /** Line the suppression applies to; 0 for the whole file. */
  line: number;
  rules: string[];
  loc: Loc;
  reason?: string;
}

export interface FileFacts {
  /** Absolute path. */
  file: string;
  functions: FunctionFact[];
  registrations: RegistrationFact[];
  classes: ClassFact[];
  exports: ExportFact[];
  /** Module specifiers this file imports, for lazy loading of linked files. */
  imports: string[];
  flagBranches: FlagBranchFact[];
  suppressions: SuppressionFact[];
  /** Problems the parser recovered from. */
  syntaxErrors: { loc: Loc; message: string }[];
}

export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Absolute path while scanning; made relative by the reporter. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fingerprint: string;
  fixable: boolean;
  related: RelatedLocation[];
  /** The framework whose registration puts the finding in WebSocket scope (a `FrameworkId`), when there is one. */
  framework?: string;
  /** How the fake was made (a `ShapeId`), when the finding is about a fake. */
  shape?: string;
}

export interface FileError {
  file: string;
  message: string;
  /**
   * `internal`: a bug in ws-mock-audit stopped the analysis of this file (exit 2); a skip reason:
   * the file was not analysed, and the summary counts it. Absent for other notes (syntax errors).
   */
  kind?: 'internal' | SkipReason;
}

/** Why a file was not analysed; the summary counts each (SPEC §4: no "no problems" about code never read). */
export type SkipReason = 'minified' | 'tooLarge' | 'binary' | 'notUtf8' | 'unreadable';
export const SKIP_REASONS: readonly SkipReason[] = ['minified', 'tooLarge', 'binary', 'notUtf8', 'unreadable'];
