import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Chalk, type ChalkInstance } from 'chalk';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { RULES, ruleById } from '../../rules/index.js';
import { AuditError, InternalError, UsageError, describeError } from '../errors.js';
import { DOCS_BASE, ISSUES_URL, packageVersion, ruleDocPath } from '../package-info.js';
import { applyBaseline, buildBaseline, readBaseline, writeBaseline } from '../report/baseline.js';
import { formatGithub } from '../report/github.js';
import { formatJson } from '../report/json.js';
import { countBySeverity, countSkipped, relativeReport, type Report, type RuleDescriptor } from '../report/model.js';
import { formatSarif } from '../report/sarif.js';
import { formatStylish } from '../report/stylish.js';
import { formatHtml, type HtmlExtras } from '../report/html/index.js';
import { scan, type ScanResult } from '../scan.js';

export { enableCompileCache } from './compile-cache.js';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Whether stdout is a terminal (colour by default). */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

const FORMATS = ['stylish', 'json', 'sarif', 'github', 'html'] as const;
const DEFAULT_BASELINE = 'ws-mock-audit-baseline.json';
const SCAN_EPILOGUE =
  '\nExit status: 0 no error-level finding, 1 error findings (or warnings over --max-warnings), 2 bad usage, config or internal failure.\n' +
  'Findings go to stdout; per-file problems and --stats go to stderr.\n' +
  'Examples:\n  ws-mock-audit src/\n  ws-mock-audit --format json -o report.json --format stylish\n  ws-mock-audit explain fake-request\n';
type Format = (typeof FORMATS)[number];

interface ScanFlags {
  format: Format[];
  outputFile: string[];
  config?: string;
  includeTests?: boolean;
  maxWarnings?: string;
  quiet?: boolean;
  color?: boolean;
  stats?: boolean;
  prefilter?: boolean;
  baseline?: string;
  updateBaseline?: boolean;
  staged?: boolean;
  typeAware?: boolean;
  tsconfig?: string;
  jobs?: string;
  cache?: boolean;
  cacheLocation?: string;
}

/** Runs the CLI and returns the exit code: 0 clean, 1 findings, 2 usage/config/internal failure. */
export async function run(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  let exitCode = 0;
  const program = new Command('ws-mock-audit')
    .description('Find fake HTTP requests fabricated inside WebSocket handlers, and rewrite them to an honest WebSocketContext.')
    .version(packageVersion(), '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run ws-mock-audit --help for usage)');

  const addScanOptions = (command: Command): Command =>
    command
      .argument('[paths...]', 'files and directories to scan (default: the current directory)')
      .addOption(new Option('-f, --format <format>', `output format: ${FORMATS.join(', ')}; repeat with --output-file for several`).argParser(collectFormat).default([]))
      .option('-o, --output-file <file>', 'write the matching --format to this file instead of stdout (repeatable)', collect, [])
      .option('-c, --config <file>', 'use this config file instead of searching for ws-mock-audit.config.json')
      .option('--include-tests', 'also scan test files (*.test.*, *.spec.*, __tests__/, test/, tests/, __mocks__/)')
      .option('--baseline <file>', 'report only findings not in this baseline file (default: `baseline` from config)')
      .option('--update-baseline', `write all current findings to the baseline (--baseline, config, or ${DEFAULT_BASELINE}), pruning fixed ones`)
      .option('--staged', 'scan the content staged in the git index, not the work tree (pre-commit)')
      .option('--type-aware', "use the project's tsconfig and TypeScript's type checker: request types behind aliases and generics, typed parameters, typed sockets (slower)")
      .option('--tsconfig <file>', 'tsconfig for --type-aware (default: the nearest tsconfig.json)')
      .option('-j, --jobs <n>', 'threads that read and parse large scans: 2 is this one parsing and a worker reading, 3+ are workers that both (default: available cores)')
      .option('--cache', 'reuse per-file results of earlier runs for unchanged files')
      .option('--cache-location <path>', 'cache directory or file (default: node_modules/.cache/ws-mock-audit)')
      .option('--max-warnings <n>', 'exit with 1 when there are more than n warnings')
      .option('-q, --quiet', 'report errors only')
      .option('--stats', 'print file counts and timing to stderr')
      .option('--no-prefilter', 'parse every file, even those without WebSocket code (slower; for diagnosing)')
      .option('--color', 'force coloured output')
      .option('--no-color', 'disable coloured output')
      .addHelpText('after', SCAN_EPILOGUE);

  const scanCommand = addScanOptions(program.command('scan', { isDefault: true }).description('scan for fake requests in WebSocket handling (default command)'));
  program.addHelpText('after', () => `\nThe default command is scan; its usage:\n\n${scanCommand.helpInformation()}${SCAN_EPILOGUE}`);
  scanCommand.action(
    async (paths: string[], flags: ScanFlags) => {
      exitCode = await runScan(paths, flags, io);
    },
  );

  program
    .command('fix')
    .description('rewrite fakes to WebSocketContext + WebSocket-scoped factories (the codemod)')
    .argument('[paths...]', 'files and directories (default: the current directory)')
    .option('--dry-run', 'print a unified diff and write nothing')
    .option('--flagged', 'phase 3a: keep the legacy call behind isWebSocketSupervisorV3Enabled(...)')
    .option('--remove-legacy', 'phase 3c: keep the new branch of flagged code, delete the flag check and the legacy branch')
    .option('--allow-dirty', 'rewrite files that have uncommitted changes')
    .option('-c, --config <file>', 'use this config file')
    .option('--include-tests', 'also rewrite test files')
    .addHelpText('after', '\nExit status: 0 everything fixable was rewritten, 1 something is left for manual review (listed), 2 bad usage or config.\n')
    .action(async (paths: string[], flags: FixFlags) => {
      exitCode = await runFix(paths, flags, io);
    });

  program
    .command('report')
    .description('write the migration report: one self-contained HTML page (totals, funnel, charts, every finding; --history for the trend)')
    .argument('[paths...]', 'files and directories to scan (default: the current directory)')
    .option('-o, --output <file>', 'where to write the page', 'ws-mock-audit-report.html')
    .option('--history <n>', 'also scan the last n first-parent commits (read from git, nothing checked out) and plot the trend')
    .option('--since <date>', 'scan the commits since this date (with --history n: n of them, evenly spaced)')
    .option('-c, --config <file>', 'use this config file instead of searching for ws-mock-audit.config.json')
    .option('--include-tests', 'also scan test files')
    .option('--baseline <file>', 'count the baseline entries that are fixed as removed (when there is no history)')
    .option('-j, --jobs <n>', 'threads for parsing large scans')
    .option('--cache', 'reuse per-file results of earlier runs for unchanged files (without --history)')
    .option('--cache-location <path>', 'cache directory or file (default: node_modules/.cache/ws-mock-audit)')
    .addHelpText('after', '\nExit status: 0 the page was written, 2 bad usage, config or an internal failure (findings do not fail a report).\nExamples:\n  ws-mock-audit report src -o report.html\n  ws-mock-audit report --history 50 -o report.html\n  ws-mock-audit report --since 2026-01-01 --history 26\n')
    .action(async (paths: string[], flags: ReportFlags) => {
      exitCode = await runReport(paths, flags, io);
    });

  program
    .command('plan', { hidden: true })
    .description('print where the codemod would act in one file, as JSON (used by the jscodeshift transform)')
    .argument('<file>')
    .action(async (file: string) => {
      const { planFromFindings } = await import('../codemod/plan.js');
      const { engineSupport, readIfPresent } = await import('../codemod/socketio-version.js');
      const result = await scan({ paths: [file], cwd: io.cwd, includeTests: true, jobs: 1 });
      const { runtimeImport, facts } = result.config;
      const engine = engineSupport(path.resolve(io.cwd, file), readIfPresent);
      io.stdout(`${JSON.stringify({ plan: planFromFindings(result.findings), settings: { runtimeImport, factories: facts.factories, requestTypes: facts.requestTypes }, engine })}\n`);
    });

  program
    .command('rules')
    .description('list the rules')
    .action(() => {
      const width = Math.max(...RULES.map((rule) => rule.meta.id.length));
      for (const rule of RULES) {
        io.stdout(`${rule.meta.id.padEnd(width)}  ${rule.meta.defaultSeverity.padEnd(7)}  ${rule.meta.fixable ? 'fixable' : '       '}  ${rule.meta.description}\n`);
      }
    });

  program
    .command('explain')
    .description("show a rule's documentation page")
    .argument('<rule>', 'rule id, e.g. fake-request')
    .action((id: string) => {
      if (!ruleById(id)) throw new UsageError(`Unknown rule \`${id}\`.`, `Known rules: ${RULES.map((rule) => rule.meta.id).join(', ')}.`);
      io.stdout(readFileSync(ruleDocPath(id), 'utf8'));
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return handleError(error, io);
  }
}

async function runScan(paths: string[], flags: ScanFlags, io: CliIO): Promise<number> {
  const formats: Format[] = flags.format.length > 0 ? flags.format : ['stylish'];
  if (flags.outputFile.length > formats.length) {
    throw new UsageError('More --output-file than --format options.', 'Give one --format per --output-file, in the same order.');
  }
  const maxWarnings = flags.maxWarnings === undefined ? undefined : Number(flags.maxWarnings);
  if (maxWarnings !== undefined && (!Number.isInteger(maxWarnings) || maxWarnings < 0)) {
    throw new UsageError(`--max-warnings must be a non-negative integer, got "${flags.maxWarnings}".`);
  }
  const jobs = flags.jobs === undefined ? undefined : Number(flags.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new UsageError(`--jobs must be a positive integer, got "${flags.jobs}".`);
  const result = await scan({
    paths,
    ...(jobs ? { jobs } : {}),
    cache: flags.cache ?? false,
    ...(flags.cacheLocation ? { cacheLocation: flags.cacheLocation } : {}),
    cwd: io.cwd,
    ...(flags.config ? { config: flags.config } : {}),
    includeTests: flags.includeTests ?? false,
    prefilter: flags.prefilter !== false,
    staged: flags.staged ?? false,
    typeAware: flags.typeAware ?? false,
    ...(flags.tsconfig ? { tsconfig: flags.tsconfig } : {}),
  });
  // Decided on first use: asking whether stdout is a terminal opens it, which a run writing only to files never needs.
  let chosen: ChalkInstance | undefined;
  const color = (): ChalkInstance => (chosen ??= chalkFor(flags, io));
  const internalErrors = result.errors.filter((error) => error.kind === 'internal');
  const relative = reportOf(result, io.cwd);

  let findings = relative.findings;
  let baselined = 0;
  const baselinePath = flags.baseline ? path.resolve(io.cwd, flags.baseline) : result.config.baseline;
  if (flags.updateBaseline) {
    const target = baselinePath ?? path.resolve(io.cwd, DEFAULT_BASELINE);
    writeBaseline(target, buildBaseline(findings, relative.source));
    io.stderr(`ws-mock-audit: wrote ${findings.length} finding${findings.length === 1 ? '' : 's'} to ${path.relative(io.cwd, target) || target}\n`);
    baselined = findings.length;
    findings = [];
  } else if (baselinePath) {
    const outcome = applyBaseline(findings, readBaseline(baselinePath));
    findings = outcome.kept;
    baselined = outcome.baselined;
    if (outcome.fixed.length > 0) {
      io.stderr(
        `ws-mock-audit: ${outcome.fixed.length} baseline entr${outcome.fixed.length === 1 ? 'y is' : 'ies are'} fixed; run with --update-baseline to prune ${outcome.fixed.length === 1 ? 'it' : 'them'}:\n` +
          outcome.fixed.map((entry) => `  ${entry.file} ${entry.ruleId} ${entry.snippet}\n`).join(''),
      );
    }
  }

  const counted = countBySeverity(findings);
  const shown = flags.quiet ? findings.filter((finding) => finding.severity === 'error') : findings;
  const report: Report = { ...relative, findings: shown, summary: { ...relative.summary, ...counted, baselined } };
  formats.forEach((format, index) => {
    const target = flags.outputFile[index];
    const text = render(format, report, target ? new Chalk({ level: 0 }) : color());
    if (target) {
      mkdirSync(path.dirname(path.resolve(io.cwd, target)), { recursive: true });
      writeFileSync(path.resolve(io.cwd, target), text);
    } else io.stdout(text);
  });
  const machineOnStdout = formats.some((format, index) => format !== 'stylish' && !flags.outputFile[index]);
  if (!machineOnStdout) {
    for (const error of report.errors) io.stderr(`${error.kind === 'internal' ? color().red('error') : color().yellow('warning')} ${error.file}: ${error.message}\n`);
  }
  for (const warning of result.warnings) io.stderr(`${color().yellow('warning')} ${warning}\n`);
  if (flags.stats) {
    const { stats } = result;
    const { timings } = stats;
    io.stderr(
      `ws-mock-audit: ${stats.filesDiscovered} files discovered${stats.walkFromCache ? ' (directories unchanged: list from cache)' : ''}, ${stats.filesPrefiltered} skipped by the prefilter, ${result.skipped.length} not analysed (${stats.filesMinified} minified), ` +
        `${stats.filesParsed} parsed (${stats.filesLinkedLazily} loaded for linking), ${stats.filesFromCache} from cache, ${stats.workers} worker thread${stats.workers === 1 ? '' : 's'} (--jobs ${stats.jobs})\n` +
        `ws-mock-audit: discover ${timings.discover} ms, read+prefilter ${timings.read} ms, facts ${timings.facts} ms, link ${timings.link} ms, rules ${timings.rules} ms, ` +
        `total ${result.durationMs} ms, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB\n`,
    );
    if (stats.slowest.length > 0) {
      io.stderr(`ws-mock-audit: slowest files: ${stats.slowest.map(({ file, ms }) => `${path.relative(io.cwd, file).split(path.sep).join('/')} ${ms} ms`).join(', ')}\n`);
    }
    for (const file of result.skipped) io.stderr(`ws-mock-audit: not analysed: ${path.relative(io.cwd, file.file) || file.file}: ${file.message}\n`);
  }
  // After everything else is printed: the findings stand, but the run did not look at everything.
  if (internalErrors.length > 0) {
    io.stderr(
      `ws-mock-audit: ${internalErrors.length} file${internalErrors.length === 1 ? ' was' : 's were'} not analysed because of an internal error (listed above); exit status 2.\n` +
        `hint: this is a bug in ws-mock-audit; please report it at ${ISSUES_URL} with the message.\n`,
    );
    return 2;
  }
  if (counted.errors > 0) return 1;
  if (maxWarnings !== undefined && counted.warnings > maxWarnings) return 1;
  return 0;
}

interface ReportFlags {
  output: string;
  history?: string;
  since?: string;
  config?: string;
  includeTests?: boolean;
  baseline?: string;
  jobs?: string;
  cache?: boolean;
  cacheLocation?: string;
}

async function runReport(paths: string[], flags: ReportFlags, io: CliIO): Promise<number> {
  const count = flags.history === undefined ? undefined : Number(flags.history);
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) throw new UsageError(`--history must be a positive integer, got "${flags.history}".`);
  const jobs = flags.jobs === undefined ? undefined : Number(flags.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new UsageError(`--jobs must be a positive integer, got "${flags.jobs}".`);
  const options = {
    paths,
    cwd: io.cwd,
    ...(jobs ? { jobs } : {}),
    ...(flags.config ? { config: flags.config } : {}),
    includeTests: flags.includeTests ?? false,
  };
  let extras: HtmlExtras = {};
  let result: ScanResult;
  if (count !== undefined || flags.since) {
    const { scanHistory, scanWorkTree } = await import('../history/index.js');
    const history = await scanHistory(options, { ...(count !== undefined ? { count } : {}), ...(flags.since ? { since: flags.since } : {}) });
    result = await scanWorkTree(options, history.cache);
    const open = new Set(result.findings.map((finding) => finding.fingerprint));
    const first = history.points[0];
    extras = {
      history: history.points,
      ...(first ? { removed: { count: [...history.seenFakes].filter((fp) => !open.has(fp)).length, from: `${first.commit.slice(0, 10)} (${first.date.slice(0, 10)})` } } : {}),
    };
    io.stderr(`ws-mock-audit: history of ${history.points.length} commit${history.points.length === 1 ? '' : 's'} in ${history.durationMs} ms (${history.parsed} distinct file contents parsed)\n`);
  } else {
    result = await scan({ ...options, cache: flags.cache ?? false, ...(flags.cacheLocation ? { cacheLocation: flags.cacheLocation } : {}) });
  }
  const relative = reportOf(result, io.cwd);
  const baselinePath = flags.baseline ? path.resolve(io.cwd, flags.baseline) : result.config.baseline;
  if (baselinePath && !extras.removed) {
    const outcome = applyBaseline(relative.findings, readBaseline(baselinePath));
    extras.removed = { count: outcome.fixed.length, from: `the baseline (${path.relative(io.cwd, baselinePath) || baselinePath})` };
  }
  const report: Report = { ...relative, summary: { ...relative.summary, ...countBySeverity(relative.findings) } };
  const target = path.resolve(io.cwd, flags.output);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, formatHtml(report, extras));
  for (const warning of result.warnings) io.stderr(`warning ${warning}\n`);
  io.stderr(`ws-mock-audit: wrote ${path.relative(io.cwd, target) || target} (${report.findings.length} finding${report.findings.length === 1 ? '' : 's'})\n`);
  return 0;
}

interface FixFlags {
  dryRun?: boolean;
  flagged?: boolean;
  removeLegacy?: boolean;
  allowDirty?: boolean;
  config?: string;
  includeTests?: boolean;
}

async function runFix(paths: string[], flags: FixFlags, io: CliIO): Promise<number> {
  if (flags.flagged && flags.removeLegacy) throw new UsageError('--flagged and --remove-legacy are different phases; use one at a time.');
  const { fix } = await import('../codemod/fix.js');
  const result = await fix({
    paths,
    cwd: io.cwd,
    ...(flags.config ? { config: flags.config } : {}),
    includeTests: flags.includeTests ?? false,
    dryRun: flags.dryRun ?? false,
    flagged: flags.flagged ?? false,
    removeLegacy: flags.removeLegacy ?? false,
    allowDirty: flags.allowDirty ?? false,
  });
  const rel = (file: string): string => path.relative(io.cwd, file) || file;
  if (flags.dryRun) io.stdout(result.diff);
  const sites = `${result.applied} site${result.applied === 1 ? '' : 's'}`;
  const files = `${result.changed.length} file${result.changed.length === 1 ? '' : 's'}`;
  io.stderr(flags.dryRun ? `ws-mock-audit fix: would rewrite ${sites} in ${files} (dry run: nothing written).\n` : `ws-mock-audit fix: rewrote ${sites} in ${files}.\n`);
  if (result.manual.length > 0) {
    io.stderr(`Left for manual review (${result.manual.length}):\n`);
    for (const item of result.manual) io.stderr(`  ${rel(item.file)}:${item.line}  ${item.reason}\n`);
  }
  if (result.errors.length > 0) {
    io.stderr(`Not processed (${result.errors.length}):\n`);
    for (const error of result.errors) io.stderr(`  ${rel(error.file)}  ${error.message}\n`);
  }
  return result.manual.length > 0 || result.errors.length > 0 ? 1 : 0;
}

/** A scan's result as formatters take it: paths relative to `cwd`, counts not yet filled in. */
function reportOf(result: ScanResult, cwd: string): Report {
  return relativeReport(
    {
      tool: { name: 'ws-mock-audit', version: packageVersion(), informationUri: DOCS_BASE.replace(/blob\/main\/rules\/$/, '') },
      rules: ruleDescriptors(),
      root: cwd,
      findings: result.findings,
      errors: result.errors,
      summary: {
        filesScanned: result.stats.filesDiscovered,
        filesParsed: result.stats.filesParsed,
        errors: 0,
        warnings: 0,
        infos: 0,
        suppressed: result.suppressed,
        baselined: 0,
        skipped: countSkipped(result.skipped),
        internalErrors: result.errors.filter((error) => error.kind === 'internal').length,
        durationMs: result.durationMs,
      },
      source: result.source,
    },
    cwd,
  );
}

function render(format: Format, report: Report, color: ChalkInstance): string {
  switch (format) {
    case 'html':
      return formatHtml(report);
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report);
    case 'github':
      return formatGithub(report);
    default:
      return formatStylish(report, color);
  }
}

/** Rule metadata for reports; a rule's page is read only when a format (SARIF) asks for it. */
function ruleDescriptors(): RuleDescriptor[] {
  return RULES.map((rule) => {
    let markdown: string | undefined;
    return {
      id: rule.meta.id,
      description: rule.meta.description,
      defaultSeverity: rule.meta.defaultSeverity,
      ...(rule.meta.stage ? { stage: rule.meta.stage } : {}),
      helpUri: `${DOCS_BASE}${rule.meta.id}.md`,
      get helpMarkdown(): string {
        markdown ??= readFileSync(ruleDocPath(rule.meta.id), 'utf8');
        return markdown;
      },
    };
  });
}

function chalkFor(flags: ScanFlags, io: CliIO): ChalkInstance {
  if (flags.color === false || io.env.NO_COLOR) return new Chalk({ level: 0 });
  if (io.env.FORCE_COLOR === '0') return new Chalk({ level: 0 });
  if (io.env.FORCE_COLOR || io.isTTY) return new Chalk({ level: 1 });
  return new Chalk({ level: 0 });
}

function handleError(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    return 2;
  }
  const known = error instanceof AuditError ? error : new InternalError(`Internal error: ${describeError(error)}`, 'Please report this with the command you ran.');
  io.stderr(`ws-mock-audit: ${known.message}\n`);
  if (known.hint) io.stderr(`hint: ${known.hint}\n`);
  if (!(error instanceof AuditError) && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return known.exitCode;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function collectFormat(value: string, previous: Format[]): Format[] {
  if (!(FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError(`Allowed choices are ${FORMATS.join(', ')}.`);
  return [...previous, value as Format];
}

function defaultIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    // Read when colour is decided, not at start: a run that writes to a file never opens stdout.
    get isTTY() {
      return Boolean(process.stdout.isTTY);
    },
    env: process.env,
  };
}
