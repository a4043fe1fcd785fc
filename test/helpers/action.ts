// Runs action.yml's composite steps the way GitHub's runner does, on this machine: `${{ }}`
// expressions expanded from the inputs' values and defaults and from earlier steps' outputs; each
// `run` step as `bash --noprofile --norc -eo pipefail <script>` in GITHUB_WORKSPACE with the env the
// step declares, a fresh GITHUB_OUTPUT file per step, and GITHUB_ENV/GITHUB_PATH carried forward;
// `if:` evaluated with an implicit success() unless a status function is named. Composite `run`
// steps get no INPUT_* variables on GitHub, so none are set here: inputs reach the scan only through
// expressions, as they do there. The two `uses:` steps cannot run off GitHub and have stand-ins that
// do their job's observable part: setup-node puts the requested Node first on PATH (from the versions
// the test installed), upload-sarif reads and parses the SARIF file it is given. Anything else in the
// file (an unknown action, an expression this evaluator does not know) throws, so a change to
// action.yml cannot slip past the test unexamined.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './cli.js';

interface ActionStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string | number | boolean>;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface ActionFile {
  inputs?: Record<string, { default?: string; required?: boolean }>;
  outputs?: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepResult {
  id: string;
  outcome: 'success' | 'failure' | 'skipped';
  exitCode: number | null;
  stdout: string;
  stderr: string;
}
export interface ActionRun {
  outcome: 'success' | 'failure';
  steps: StepResult[];
  outputs: Record<string, string>;
  /** SARIF documents the upload-sarif stand-in read, with the category it was given. */
  uploads: Array<{ sarif: { runs: Array<{ results: unknown[] }> }; category: string }>;
  env: Record<string, string>;
}

type Value = string | boolean;

/** Evaluates the subset of GitHub's expression language that action.yml uses; throws on the rest. */
function evaluate(source: string, lookup: (name: string) => Value, status: { failed: boolean }): Value {
  const tokens = source.match(/'(?:[^']|'')*'|&&|\|\||==|!=|!|\(|\)|[A-Za-z_][\w.-]*(?:\(\))?/g) ?? [];
  if (tokens.join('').replace(/\s/g, '') !== source.replace(/\s/g, '')) throw new Error(`unsupported expression: ${source}`);
  let at = 0;
  const truthy = (value: Value): boolean => value !== '' && value !== false;
  const primary = (): Value => {
    const token = tokens[at++];
    if (token === undefined) throw new Error(`unexpected end of expression: ${source}`);
    if (token === '!') return !truthy(primary());
    if (token === '(') {
      const value = or();
      if (tokens[at++] !== ')') throw new Error(`unbalanced parentheses: ${source}`);
      return value;
    }
    if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
    if (token === 'true' || token === 'false') return token === 'true';
    if (token === 'always()') return true;
    if (token === 'success()') return !status.failed;
    if (token === 'failure()') return status.failed;
    if (/^(inputs|steps)\./.test(token)) return lookup(token);
    throw new Error(`unsupported token ${token} in: ${source}`);
  };
  const comparison = (): Value => {
    const left = primary();
    const op = tokens[at];
    if (op !== '==' && op !== '!=') return left;
    at++;
    // GitHub compares strings case-insensitively.
    const equal = String(left).toLowerCase() === String(primary()).toLowerCase();
    return op === '==' ? equal : !equal;
  };
  // Left-associative `&&` / `||` chains, short-circuit values as GitHub returns them.
  const chain = (op: string, next: () => Value, pick: (left: Value, right: Value) => Value): Value => {
    let value = next();
    while (tokens[at] === op) {
      at++;
      value = pick(value, next());
    }
    return value;
  };
  const and = (): Value => chain('&&', comparison, (left, right) => (truthy(left) ? right : left));
  const or = (): Value => chain('||', and, (left, right) => (truthy(left) ? left : right));
  const value = or();
  if (at !== tokens.length) throw new Error(`trailing tokens in: ${source}`);
  return value;
}

/** Parses a GITHUB_OUTPUT / GITHUB_ENV file: `name=value` lines and `name<<DELIMITER` blocks. */
function parseCommandFile(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  if (!existsSync(file)) return values;
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      while (index + 1 < lines.length && lines[index + 1] !== heredoc[2]) body.push(lines[++index] ?? '');
      index++;
      values[heredoc[1] ?? ''] = body.join('\n');
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return values;
}

export interface RunActionOptions {
  /** The `with:` a workflow gives the action. */
  inputs: Record<string, string>;
  /** GITHUB_WORKSPACE: the checked-out repository. */
  workspace: string;
  /** Node versions the setup-node stand-in may put on PATH: version → directory holding `node`. */
  nodes: Record<string, string>;
}

export function runAction(options: RunActionOptions): ActionRun {
  const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionFile;
  if (action.runs.using !== 'composite') throw new Error(`action.yml runs ${action.runs.using}, not composite`);
  const declared = action.inputs ?? {};
  for (const name of Object.keys(options.inputs)) if (!(name in declared)) throw new Error(`action.yml declares no input ${name}`);
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const given = options.inputs[name] ?? (spec.default === undefined ? undefined : String(spec.default));
    if (given === undefined && spec.required) throw new Error(`input ${name} is required`);
    inputs[name] = given ?? '';
  }

  const runnerTemp = mkdtempSync(path.join(path.dirname(options.workspace), 'runner-temp-'));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(GITHUB_|RUNNER_|INPUT_)/.test(key)) env[key] = value;
  Object.assign(env, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_ACTION_PATH: ROOT,
    GITHUB_ENV: path.join(runnerTemp, 'env'),
    GITHUB_PATH: path.join(runnerTemp, 'path'),
    GITHUB_STEP_SUMMARY: path.join(runnerTemp, 'summary'),
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: runnerTemp,
  });
  const stepOutputs: Record<string, Record<string, string>> = {};
  const lookup = (name: string): Value => {
    const input = /^inputs\.([\w-]+)$/.exec(name);
    if (input) {
      const key = input[1] ?? '';
      if (!(key in inputs)) throw new Error(`unknown input in expression: ${name}`);
      return inputs[key] ?? '';
    }
    const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(name);
    if (output) return stepOutputs[output[1] ?? '']?.[output[2] ?? ''] ?? '';
    throw new Error(`unsupported context: ${name}`);
  };
  const status = { failed: false };
  const expand = (text: string): string => text.replace(/\$\{\{(.*?)\}\}/g, (_, source: string) => String(evaluate(source.trim(), lookup, status)));

  const steps: StepResult[] = [];
  const uploads: ActionRun['uploads'] = [];
  action.runs.steps.forEach((step, index) => {
    const id = step.id ?? `step-${index}`;
    const condition = (step.if ?? '').trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim();
    const guarded = condition === '' ? 'success()' : /\b(always|success|failure|cancelled)\(\)/.test(condition) ? condition : `success() && (${condition})`;
    if (!evaluate(guarded, lookup, status)) {
      steps.push({ id, outcome: 'skipped', exitCode: null, stdout: '', stderr: '' });
      return;
    }
    const using = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, expand(String(value))]));
    let result: StepResult;
    if (step.uses?.startsWith('actions/setup-node@')) {
      // setup-node reads `24` as the newest 24.x and `22.11.0` as exactly that.
      const version = using['node-version'] ?? '';
      const dir = Object.entries(options.nodes).find(([have]) => have === version || have.startsWith(`${version}.`))?.[1];
      if (!dir) throw new Error(`setup-node stand-in: the test has no Node ${version} (it has ${Object.keys(options.nodes).join(', ')})`);
      env.PATH = `${dir}${path.delimiter}${env.PATH ?? ''}`;
      result = { id, outcome: 'success', exitCode: 0, stdout: '', stderr: '' };
    } else if (step.uses?.startsWith('github/codeql-action/upload-sarif@')) {
      const file = path.resolve(options.workspace, using.sarif_file ?? '');
      const ok = existsSync(file);
      if (ok) uploads.push({ sarif: JSON.parse(readFileSync(file, 'utf8')) as ActionRun['uploads'][number]['sarif'], category: using.category ?? '' });
      result = { id, outcome: ok ? 'success' : 'failure', exitCode: ok ? 0 : 1, stdout: '', stderr: ok ? '' : `Path does not exist: ${file}` };
    } else if (step.run !== undefined) {
      if (step.shell !== 'bash') throw new Error(`step ${id}: composite run steps need shell: bash, got ${step.shell}`);
      const script = path.join(runnerTemp, `${id}.sh`);
      writeFileSync(script, expand(step.run));
      const outputFile = path.join(runnerTemp, `${id}.output`);
      writeFileSync(outputFile, '');
      const stepEnv: Record<string, string> = { ...env, GITHUB_OUTPUT: outputFile };
      for (const [key, value] of Object.entries(step.env ?? {})) stepEnv[key] = expand(String(value));
      const cwd = step['working-directory'] ? path.resolve(options.workspace, expand(step['working-directory'])) : options.workspace;
      const ran = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env: stepEnv, encoding: 'utf8', timeout: 300_000 });
      stepOutputs[id] = parseCommandFile(outputFile);
      Object.assign(env, parseCommandFile(env.GITHUB_ENV ?? ''));
      for (const dir of existsSync(env.GITHUB_PATH ?? '') ? readFileSync(env.GITHUB_PATH ?? '', 'utf8').split('\n').filter(Boolean) : []) env.PATH = `${dir}${path.delimiter}${env.PATH ?? ''}`;
      writeFileSync(env.GITHUB_PATH ?? '', '');
      result = { id, outcome: ran.status === 0 ? 'success' : 'failure', exitCode: ran.status, stdout: ran.stdout, stderr: ran.stderr };
    } else {
      throw new Error(`step ${id}: no stand-in for ${step.uses ?? 'a step with neither uses nor run'}`);
    }
    if (result.outcome === 'failure') status.failed = true;
    steps.push(result);
  });
  const outputs = Object.fromEntries(Object.entries(action.outputs ?? {}).map(([name, spec]) => [name, expand(spec.value)]));
  return { outcome: status.failed ? 'failure' : 'success', steps, outputs, uploads, env };
}
