/**
 * Every failure that stops a command is one of these. (A file that cannot be analysed does not
 * stop a scan: it is reported as a `FileError` entry and the scan goes on.)
 * Each maps to an exit code and carries a hint;
 * the CLI prints `message`, then `hint`, and returns `exitCode`.
 */
export abstract class AuditError extends Error {
  abstract readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** Bad flags, arguments or paths on the command line. */
export class UsageError extends AuditError {
  readonly exitCode = 2;
}

/** A config file that cannot be read, parsed or validated. Names the file and the key. */
export class ConfigError extends AuditError {
  readonly exitCode = 2;
  constructor(
    readonly file: string,
    message: string,
    hint?: string,
  ) {
    super(`${file}: ${message}`, hint);
  }
}


/** A bug in ws-mock-audit itself. */
export class InternalError extends AuditError {
  readonly exitCode = 2;
}

/**
 * V8's "Maximum call stack size exceeded": the file nests deeper than this thread's stack allows
 * (the TypeScript parser and the AST walks recurse once per level).
 */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
