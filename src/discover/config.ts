import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ConfigError } from '../errors.js';
import { DEFAULT_FACTS_OPTIONS, type CustomRegistration, type FactsOptions } from '../facts/options.js';
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

const SEVERITIES = new Set(['off', 'info', 'warning', 'error']);
const KEYS = new Set([
  '$schema',
  'include',
  'exclude',
  'rules',
  'registrations',
  'requestTypes',
  'responseTypes',
  'factories',
  'requestConsumers',
  'runtimeImport',
  'testPatterns',
  'baseline',
  'maxFileSize',
]);

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

function validate(file: string, raw: unknown, ruleIds: readonly string[], prefix: string): Config {
  const fail = (key: string, message: string): never => {
    throw new ConfigError(file, `\`${prefix}${key}\` ${message}`, 'See schema/config.schema.json for every key.');
  };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail('', 'must be an object');
  const input = raw as Record<string, unknown>;
  const config = defaultConfig();
  config.file = file;
  for (const key of Object.keys(input)) if (!KEYS.has(key)) fail(key, 'is not a known option');

  const strings = (key: string): string[] | undefined => {
    const value = input[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) fail(key, 'must be an array of strings');
    return value as string[];
  };
  config.include = strings('include') ?? [];
  config.exclude = strings('exclude') ?? [];
  config.testPatterns = strings('testPatterns') ?? DEFAULT_TEST_PATTERNS;
  const requestTypes = strings('requestTypes');
  if (requestTypes) config.facts.requestTypes.push(...requestTypes);
  const responseTypes = strings('responseTypes');
  if (responseTypes) config.facts.responseTypes.push(...responseTypes);
  const consumers = strings('requestConsumers');
  if (consumers) config.facts.requestConsumers.push(...consumers);

  if (input.rules !== undefined) {
    if (!input.rules || typeof input.rules !== 'object' || Array.isArray(input.rules)) fail('rules', 'must be an object of rule id to severity');
    for (const [id, severity] of Object.entries(input.rules as Record<string, unknown>)) {
      if (!ruleIds.includes(id)) fail(`rules.${id}`, `is not a rule (rules: ${ruleIds.join(', ')})`);
      if (typeof severity !== 'string' || !SEVERITIES.has(severity)) fail(`rules.${id}`, 'must be one of "off", "info", "warning", "error"');
      config.rules[id] = severity as SeveritySetting;
    }
  }
  if (input.factories !== undefined) {
    if (!input.factories || typeof input.factories !== 'object' || Array.isArray(input.factories)) fail('factories', 'must be an object of request-scoped factory to its WebSocket counterpart (or null)');
    for (const [name, counterpart] of Object.entries(input.factories as Record<string, unknown>)) {
      if (counterpart !== null && typeof counterpart !== 'string') fail(`factories.${name}`, 'must be a function name or null');
      config.facts.factories[name] = counterpart as string | null;
    }
  }
  if (input.registrations !== undefined) {
    if (!Array.isArray(input.registrations)) fail('registrations', 'must be an array');
    config.facts.registrations = (input.registrations as unknown[]).map((entry, index): CustomRegistration => {
      const item = entry as Record<string, unknown>;
      if (!item || typeof item !== 'object') fail(`registrations[${index}]`, 'must be an object');
      for (const key of Object.keys(item)) if (!['callee', 'handlerArg', 'event'].includes(key)) fail(`registrations[${index}].${key}`, 'is not a known option');
      if (typeof item.callee !== 'string' || !item.callee) fail(`registrations[${index}].callee`, 'must be a non-empty string such as "bus.onSocket" or "*.onSocket"');
      const handlerArg = item.handlerArg ?? 1;
      if (typeof handlerArg !== 'number' || !Number.isInteger(handlerArg) || handlerArg < 0) fail(`registrations[${index}].handlerArg`, 'must be a non-negative integer');
      if (item.event !== undefined && typeof item.event !== 'string') fail(`registrations[${index}].event`, 'must be a string');
      return { callee: item.callee as string, handlerArg: handlerArg as number, ...(typeof item.event === 'string' ? { event: item.event } : {}) };
    });
  }
  if (input.runtimeImport !== undefined) {
    if (typeof input.runtimeImport !== 'string' || !input.runtimeImport) fail('runtimeImport', 'must be a module specifier');
    config.runtimeImport = input.runtimeImport as string;
  }
  if (input.baseline !== undefined) {
    if (typeof input.baseline !== 'string') fail('baseline', 'must be a path');
    config.baseline = path.resolve(path.dirname(file), input.baseline as string);
  }
  if (input.maxFileSize !== undefined) {
    if (typeof input.maxFileSize !== 'number' || input.maxFileSize <= 0) fail('maxFileSize', 'must be a positive number of bytes');
    config.maxFileSize = input.maxFileSize as number;
  }
  return config;
}
