/** The programmatic API of ws-mock-audit. The runtime is a separate entry point: `ws-mock-audit/runtime`. */
export { scan, type ScanOptions, type ScanResult, type ScanStats } from './scan.js';
export { run, type CliIO } from './cli/index.js';
export { RULES, ruleById } from '../rules/index.js';
export type { Rule, RuleMeta, RuleFinding } from './rule.js';
export { formatJson } from './report/json.js';
export { formatStylish } from './report/stylish.js';
export { formatHtml, type HtmlExtras } from './report/html/index.js';
export type { Report } from './report/model.js';
export { AuditError, ConfigError, InternalError, UsageError } from './errors.js';
export type { Finding, FileError, FileFacts, Severity, Loc, RelatedLocation } from './types.js';
