import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ConfigError } from '../errors.js';
import { DEFAULT_FACTS_OPTIONS, type FactsOptions } from '../facts/options.js';
import { packageRoot } from '../package-info.js';
import type { SeveritySetting } from '../types.js';

export const CONFIG_FILE = 'ws-mock-audit.config.json';
export const DEFAULT_TEST_PATTERNS = ['**/*.test.*', '**/*.spec.*', '**/__tests__/**', '**/test/**', '**/tests/**', '**/__mocks__/**'];
export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

export interface Config {
  /** Where the config came from, or undefined for defaults. */
  file: string | undefined;
  include: string[];
  exclude: string[];
  rules: Record<string, SeveritySetting>;
  facts: FactsOptions;
  runtimeImport: string;
  testPatterns: string[];
  baseline: string | undefined;
  maxFileSize: number;
}


export function defaultConfig(): Config {
  return {
    file: undefined,
    include: [],
    exclude: [],
    rules: {},
    facts: structuredClone(DEFAULT_FACTS_OPTIONS),
    runtimeImport: 'ws-mock-audit/runtime',
    testPatterns: DEFAULT_TEST_PATTERNS,
    baseline: undefined,
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
  };
}

/** The config file for a scan: `--config`, else the nearest `ws-mock-audit.config.json` or package.json key upwards. */
export function loadConfig(start: string, explicit: string | undefined, ruleIds: readonly string[]): Config {
  if (explicit) {
    const file = path.resolve(explicit);
    if (!existsSync(file)) throw new ConfigError(file, 'config file not found', 'Check the path given to --config.');
    return fromFile(file, ruleIds);
  }
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return fromFile(candidate, ruleIds);
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      const parsed = readJsonc(pkg) as Record<string, unknown> | undefined;
      if (parsed && typeof parsed === 'object' && 'ws-mock-audit' in parsed) {
        return validate(pkg, parsed['ws-mock-audit'], ruleIds, '"ws-mock-audit".');
      }
    }
    if (path.dirname(dir) === dir) return defaultConfig();
  }
}

function fromFile(file: string, ruleIds: readonly string[]): Config {
  const parsed = readJsonc(file);
  if (path.basename(file) === 'package.json') {
    const value = (parsed as Record<string, unknown> | undefined)?.['ws-mock-audit'];
    return validate(file, value ?? {}, ruleIds, '"ws-mock-audit".');
  }
  return validate(file, parsed, ruleIds, '');
}

function readJsonc(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  const first = errors[0];
  if (first) {
    const line = text.slice(0, first.offset).split('\n').length;
    throw new ConfigError(file, `invalid JSON at line ${line}: ${printParseErrorCode(first.error)}`);
  }
  return value;
}

/** Validates against the published schema (schema/config.schema.json), then builds the config. */
function validate(file: string, raw: unknown, ruleIds: readonly string[], prefix: string): Config {
  const check = schemaValidator();
  if (!check(raw)) {
    const [error] = check.errors ?? [];
    throw new ConfigError(file, describeSchemaError(error, prefix, ruleIds), 'See schema/config.schema.json in the ws-mock-audit package for every option.');
  }
  const input = raw as RawConfig;
  const config = defaultConfig();
  config.file = file;
  config.include = input.include ?? [];
  config.exclude = input.exclude ?? [];
  config.testPatterns = input.testPatterns ?? DEFAULT_TEST_PATTERNS;
  config.facts.requestTypes.push(...(input.requestTypes ?? []));
  config.facts.responseTypes.push(...(input.responseTypes ?? []));
  config.facts.requestConsumers.push(...(input.requestConsumers ?? []));
  config.rules = { ...input.rules };
  Object.assign(config.facts.factories, input.factories);
  config.facts.registrations = (input.registrations ?? []).map(({ callee, handlerArg, event }) => ({ callee, handlerArg: handlerArg ?? 1, ...(event ? { event } : {}) }));
  if (input.runtimeImport) config.runtimeImport = input.runtimeImport;
  if (input.baseline) config.baseline = path.resolve(path.dirname(file), input.baseline);
  if (input.maxFileSize) config.maxFileSize = input.maxFileSize;
  return config;
}

interface RawConfig {
  include?: string[];
  exclude?: string[];
  rules?: Record<string, SeveritySetting>;
  registrations?: { callee: string; handlerArg?: number; event?: string }[];
  requestTypes?: string[];
  responseTypes?: string[];
  requestConsumers?: string[];
  factories?: Record<string, string | null>;
  runtimeImport?: string;
  testPatterns?: string[];
  baseline?: string;
  maxFileSize?: number;
}

let compiled: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(path.join(packageRoot(), 'schema', 'config.schema.json'), 'utf8')) as object;
  // Loaded only when a config file exists: a scan without one never pays for the validator.
  const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  compiled = new Ajv({ allErrors: false, strict: true }).compile(schema);
  return compiled;
}

/** One sentence naming the key: `rules.fake-requests` is not a rule (rules: ...). */
function describeSchemaError(error: ErrorObject | undefined, prefix: string, ruleIds: readonly string[]): string {
  if (!error) return 'is not valid';
  const base = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const key = (parts: (string | number)[]): string => `\`${prefix}${parts.map((part, index) => (typeof part === 'number' || /^\d+$/.test(String(part)) ? `[${part}]` : `${index ? '.' : ''}${part}`)).join('')}\``;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${key([...base, String(params.additionalProperty)])} is not a known option`;
    case 'propertyNames':
      return `${key([...base, String(params.propertyName)])} is not a rule (rules: ${ruleIds.join(', ')})`;
    case 'enum':
      if (error.propertyName !== undefined) return `${key([...base, error.propertyName])} is not a rule (rules: ${ruleIds.join(', ')})`;
      return `${key(base)} must be one of ${((params.allowedValues as unknown[]) ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${key(base)} must be ${String(params.type).replace(',', ' or ')}`;
    case 'required':
      return `${key([...base, String(params.missingProperty)])} is required`;
    default:
      return `${key(base)} ${error.message ?? 'is not valid'}`;
  }
}
