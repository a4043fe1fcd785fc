import type { Finding } from '../../types.js';
import { placeGrouping, frameworkLabel, shapeLabel, stageIndex, summariseMigration, type Bucket, type HistoryPoint, type Migration } from '../migration.js';
import type { Report } from '../model.js';
import { barChart, lineChart, PALETTE } from './charts.js';
import { CLIENT_SCRIPT } from './client.js';
import { escapeHtml as esc } from './escape.js';
import { STYLES } from './styles.js';

/** What the `report` command knows beyond one scan. */
export interface HtmlExtras {
  /** Oldest first. */
  history?: HistoryPoint[];
  /** Fakes that are gone: from the history (seen at a scanned commit, absent now) or a baseline's fixed entries. */
  removed?: { count: number; from: string };
  /** When the page was made; fixed in tests. */
  generatedAt?: Date;
}

/**
 * One self-contained page (styles, script and SVG inline; no fonts, images or requests), readable
 * with JavaScript off. A pure function of the report, like every formatter.
 */
export function formatHtml(report: Report, extras: HtmlExtras = {}): string {
  const migration = summariseMigration(report.findings, report.rules, extras.removed?.count);
  const generated = (extras.generatedAt ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  const body = [
    `<header><h1>WebSocket fake-request migration</h1><p>${esc(report.tool.name)} ${esc(report.tool.version)} · ${report.summary.filesScanned} files scanned · generated <time datetime="${generated}">${generated.replace('T', ' ')}</time></p>`,
    '<nav><a href="#summary">Summary</a> <a href="#funnel">Funnel</a> <a href="#history">History</a> <a href="#where">Where</a> <a href="#rules">Rules</a> <a href="#findings">Findings</a></nav></header>',
    '<main>',
    summarySection(migration, report),
    funnelSection(migration, extras),
    historySection(extras.history),
    whereSection(migration),
    rulesSection(migration, report),
    findingsSection(report),
    '</main>',
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${esc(`${report.tool.name} ${report.tool.version}`)}">
<title>ws-mock-audit: ${migration.funnel.open} fakes left</title>
<style>${STYLES}</style></head>
<body>${body.join('\n')}
<script>${CLIENT_SCRIPT}</script>
</body></html>
`;
}

/** Rule messages use backticks for code. */
function prose(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function summarySection(m: Migration, report: Report): string {
  const card = (key: string, value: number | string, label: string): string => `<div class="card"><span class="big" data-count="${key}">${value}</span><span>${label}</span></div>`;
  const { summary } = report;
  return `<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2><div class="cards">
${card('open', m.funnel.open, 'fakes left')}${card('fixable', m.funnel.fixable, 'fixable by <code>fix</code>')}${card('legacy', m.funnel.legacy, 'legacy branches behind the flag')}${card('removed', m.funnel.removed ?? '–', 'removed')}${card('findings', report.findings.length, 'findings in all')}
</div><p>${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${summary.infos} info in ${plural(summary.filesScanned, 'file')} scanned${summary.suppressed ? `; ${summary.suppressed} suppressed` : ''}${summary.baselined ? `; ${summary.baselined} in the baseline` : ''}${report.errors.length ? `; ${plural(report.errors.length, 'file')} could not be analysed (listed at the end)` : ''}.</p></section>`;
}

function tableOf(caption: string, head: string[], rows: (string | number)[][], id?: string): string {
  const numeric = (cell: string | number): boolean => typeof cell === 'number' || cell === '–';
  const th = head.map((cell, i) => `<th scope="col"${i > 0 && rows.every((row) => numeric(row[i] ?? '')) ? ' class="n"' : ''}>${cell}</th>`).join('');
  const tr = rows.map((row) => `<tr>${row.map((cell, i) => (i === 0 ? `<th scope="row">${cell}</th>` : `<td${numeric(cell) ? ' class="n"' : ''}>${cell}</td>`)).join('')}</tr>`).join('');
  return `<table${id ? ` id="${id}"` : ''}><caption>${caption}</caption><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

function funnelSection(m: Migration, extras: HtmlExtras): string {
  const { funnel } = m;
  const steps: { label: string; value: number | undefined; note: string }[] = [
    { label: 'Fakes left', value: funnel.open, note: 'fake requests, fake responses and request-scoped factory calls in WebSocket handling' },
    { label: 'Fixable by fix', value: funnel.fixable, note: 'of those, what <code>ws-mock-audit fix</code> rewrites by itself' },
    { label: 'Legacy branches', value: funnel.legacy, note: 'rewritten code whose legacy path still waits behind <code>USE_WEBSOCKET_SUPERVISOR_V3</code>' },
    {
      label: 'Removed',
      value: funnel.removed,
      note: extras.removed ? `fakes gone since ${esc(extras.removed.from)}` : 'unknown: run <code>report --history N</code> or give a <code>--baseline</code> to count them',
    },
  ];
  const chart = barChart(
    steps.map((step) => ({ label: step.label, value: step.value ?? 0, ...(step.value === undefined ? { unknown: 'unknown' } : {}) })),
    { id: 'funnel-chart', title: 'Migration funnel: fakes left, fixable, legacy branches behind the flag, removed', xLabel: 'count', yLabel: 'stage' },
  );
  const table = tableOf('Migration funnel', ['Stage', 'Count', 'What it counts'], steps.map((step) => [step.label, step.value ?? '–', step.note]), 'funnel-table');
  return `<section id="funnel" aria-labelledby="funnel-h"><h2 id="funnel-h">Migration funnel</h2><p class="lead">Audit → rewrite behind the flag → roll out → remove the legacy path.</p><div class="pair"><figure>${chart}</figure>${table}</div></section>`;
}

function historySection(history: HistoryPoint[] | undefined): string {
  if (!history || history.length === 0) {
    return '<section id="history" aria-labelledby="history-h"><h2 id="history-h">Over time</h2><p>No history in this report. <code>ws-mock-audit report --history 20</code> scans the last 20 commits of the current branch (read from git, nothing checked out) and plots open fakes, fixable ones and legacy branches.</p></section>';
  }
  const labels = history.map((point) => `${point.commit.slice(0, 8)} ${point.date.slice(0, 10)}`);
  const chart = lineChart(
    [
      { name: 'open fakes', values: history.map((p) => p.open), colour: PALETTE.blue, marker: 'circle' },
      { name: 'fixable', values: history.map((p) => p.fixable), colour: PALETTE.vermillion, marker: 'square', dash: '6 3' },
      { name: 'legacy branches', values: history.map((p) => p.legacy), colour: PALETTE.green, marker: 'triangle', dash: '2 3' },
    ],
    {
      id: 'history-chart',
      title: `Open fakes, fixable ones and legacy branches over ${plural(history.length, 'commit')}`,
      xLabel: `commit, oldest to newest (first-parent history, ${plural(history.length, 'point')})`,
      yLabel: 'findings',
      pointLabels: labels,
      // Dates say most; several commits a day would repeat them, so then commits are named instead.
      tickLabels: new Set(history.map((point) => point.date.slice(0, 10))).size === history.length ? history.map((point) => point.date.slice(0, 10)) : history.map((point) => point.commit.slice(0, 7)),
    },
  );
  const first = history[0] as HistoryPoint;
  const last = history[history.length - 1] as HistoryPoint;
  const delta = last.open - first.open;
  const trend = delta === 0 ? 'unchanged' : delta < 0 ? `down by ${-delta}` : `up by ${delta}`;
  const rows = [...history].reverse().map((p) => [`<code>${esc(p.commit.slice(0, 10))}</code> ${esc(p.date.slice(0, 10))} <span class="subject">${esc(p.subject)}</span>`, p.open, p.fixable, p.legacy, p.files]);
  const table = tableOf('Per commit, newest first', ['Commit', 'Open fakes', 'Fixable', 'Legacy branches', 'Files'], rows, 'history-table');
  return `<section id="history" aria-labelledby="history-h"><h2 id="history-h">Over time</h2><p class="lead">Open fakes went from ${first.open} to ${last.open} (${trend}) between ${esc(first.date.slice(0, 10))} and ${esc(last.date.slice(0, 10))}.</p><figure>${chart}</figure><details><summary>The numbers</summary>${table}</details></section>`;
}

function breakdown(id: string, title: string, axis: string, buckets: Bucket[], filter: string | undefined, note: string): string {
  if (buckets.length === 0) return `<figure id="${id}"><figcaption>${title}</figcaption><p>No fakes.</p></figure>`;
  const chart = barChart(
    buckets.map((b) => ({ label: b.label, value: b.count, part: b.fixable })),
    { id: `${id}-chart`, title: `Fakes left by ${axis}`, xLabel: 'fakes left', yLabel: axis, parts: ['fixable', 'manual'] },
  );
  const label = (b: Bucket): string => (filter ? `<a href="#findings" data-filter="${filter}=${esc(b.key)}">${esc(b.label)}</a>` : esc(b.label));
  const table = tableOf(`Fakes left by ${axis}`, [capital(axis), 'Fakes', 'Fixable', 'Manual'], buckets.map((b) => [label(b), b.count, b.fixable, b.count - b.fixable]), `${id}-table`);
  return `<figure id="${id}"><figcaption>${title}</figcaption>${chart}${table}${note}</figure>`;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function whereSection(m: Migration): string {
  return `<section id="where" aria-labelledby="where-h"><h2 id="where-h">Where the fakes are</h2><div class="grid">
${breakdown('by-framework', 'By framework', 'framework', m.byFramework, 'framework', m.withoutFramework ? `<p class="note">${plural(m.withoutFramework, 'fake')} without a framework.</p>` : '')}
${breakdown('by-shape', 'By shape of the fake', 'shape', m.byShape, undefined, m.withoutShape ? `<p class="note">${plural(m.withoutShape, 'finding')} with no fake of its own (request-scoped factory calls).</p>` : '')}
${breakdown('by-directory', m.placeAxis === 'file' ? 'By file (every fake is in one directory)' : 'By directory', m.placeAxis, m.byDirectory, 'dir', '')}
</div></section>`;
}

function rulesSection(m: Migration, report: Report): string {
  const rows = m.byRule.map((row) => {
    const rule = report.rules.find((candidate) => candidate.id === row.ruleId);
    const name = rule ? `<a href="${esc(rule.helpUri)}"><code>${esc(row.ruleId)}</code></a>` : `<code>${esc(row.ruleId)}</code>`;
    return [name, row.error, row.warning, row.info, row.error + row.warning + row.info, row.fixable];
  });
  rows.push(['All rules', m.bySeverity.error, m.bySeverity.warning, m.bySeverity.info, report.findings.length, m.byRule.reduce((sum, row) => sum + row.fixable, 0)]);
  const why = m.byRule
    .map((row) => ({ row, text: commonTail(report.findings.filter((f) => f.ruleId === row.ruleId)) }))
    .filter(({ text }) => text)
    .map(({ row, text }) => `<dt id="why-${esc(row.ruleId)}"><code>${esc(row.ruleId)}</code></dt><dd>${prose(row.description)} ${prose(text ?? '')}</dd>`)
    .join('');
  return `<section id="rules" aria-labelledby="rules-h"><h2 id="rules-h">Totals by rule and severity</h2>${tableOf('Findings by rule and severity', ['Rule', 'Error', 'Warning', 'Info', 'Total', 'Fixable'], rows, 'rules-table')}${why ? `<h3>Why each rule matters</h3><dl class="why">${why}</dl>` : ''}</section>`;
}

/** A message's first sentence says what and where; the rest (why, what to do) is mostly the same for every finding of a rule. */
function splitMessage(message: string): [string, string] {
  const end = message.search(/\.\s+(?=[A-Z`])/);
  return end < 0 ? [message, ''] : [message.slice(0, end + 1), message.slice(end + 1).trim()];
}

/** The explanation most findings of a rule share; printed once per rule instead of once per finding. */
function commonTail(findings: Finding[]): string | undefined {
  const counts = new Map<string, number>();
  for (const finding of findings) {
    const tail = splitMessage(finding.message)[1];
    if (tail) counts.set(tail, (counts.get(tail) ?? 0) + 1);
  }
  let best: string | undefined;
  let most = 1;
  for (const [tail, n] of counts) if (n > most || (n === most && best === undefined && findings.length === 1)) [best, most] = [tail, n];
  return best;
}

function findingsSection(report: Report): string {
  const stage = stageIndex(report.rules);
  const directory = placeGrouping(report.findings.filter((f) => stage(f.ruleId) === 'fake').map((f) => f.file)).key;
  const tails = new Map<string, string | undefined>();
  for (const rule of new Set(report.findings.map((f) => f.ruleId))) tails.set(rule, commonTail(report.findings.filter((f) => f.ruleId === rule)));
  const options = (values: [string, string][]): string => values.map(([value, label]) => `<option value="${esc(value)}">${esc(label)}</option>`).join('');
  const unique = (pick: (f: Finding) => string | undefined, label: (v: string) => string): [string, string][] =>
    [...new Set(report.findings.map(pick).filter((v): v is string => Boolean(v)))].sort().map((v) => [v, label(v)]);
  const form = `<form id="filters" hidden><label>Rule <select name="rule"><option value="">all</option>${options(unique((f) => f.ruleId, (v) => v))}</select></label>
<label>Framework <select name="framework"><option value="">all</option>${options(unique((f) => f.framework, frameworkLabel))}</select></label>
<label>Place <select name="dir"><option value="">all</option>${options(unique((f) => directory(f.file), (v) => v))}</select></label>
<label><input type="checkbox" name="fixable"> fixable only</label> <label>Text <input type="search" name="q" placeholder="file, message, code"></label> <button type="reset">Clear</button>
<output>showing <span id="shown">${report.findings.length}</span> of ${report.findings.length}</output></form>`;
  const sources = new Map<string, string[] | undefined>();
  const linesOf = (file: string): string[] | undefined => {
    if (!sources.has(file)) sources.set(file, report.source(file)?.split(/\r?\n/));
    return sources.get(file);
  };
  const items = report.findings.map((finding) => findingArticle(finding, linesOf(finding.file), directory(finding.file), tails.get(finding.ruleId)));
  const errors = report.errors.length
    ? `<h3 id="not-analysed">Files not analysed (${report.errors.length})</h3><ul class="errors">${report.errors.map((e) => `<li><code>${esc(e.file)}</code>: ${esc(e.message)}</li>`).join('')}</ul>`
    : '';
  return `<section id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Findings (${report.findings.length})</h2>${form}<div id="list">${items.join('\n')}</div>${errors}</section>`;
}

function findingArticle(f: Finding, lines: string[] | undefined, dir: string, tail: string | undefined): string {
  const id = `f-${f.fingerprint}`;
  const [first, rest] = splitMessage(f.message);
  const explanation = rest && rest !== tail ? ` ${prose(rest)}` : rest ? ` <a href="#why-${esc(f.ruleId)}" class="why-link">Why</a>` : '';
  const tags = [
    f.fixable ? '<span class="tag fix">fixable</span>' : '',
    f.framework ? `<span class="tag">${esc(frameworkLabel(f.framework))}</span>` : '',
    f.shape ? `<span class="tag">${esc(shapeLabel(f.shape))}</span>` : '',
  ].join('');
  // Steps in the finding's own file name only the line: the header names the file.
  const where = (file: string, line: number, column: number): string => `<code>${file === f.file ? `line ${line}` : `${esc(file)}:${line}:${column}`}</code>`;
  const chain = [...f.related].reverse().map((step) => `<li>${where(step.file, step.line, step.column)} ${prose(step.message)}</li>`);
  if (chain.length) chain.push(`<li>${where(f.file, f.line, f.column)} this finding</li>`);
  return `<article id="${id}" class="${f.severity}" data-rule="${esc(f.ruleId)}" data-framework="${esc(f.framework ?? '')}" data-dir="${esc(dir)}" data-fixable="${f.fixable}">
<h3><span class="sev">${f.severity}</span>[<code>${esc(f.ruleId)}</code>] <code>${esc(f.file)}:${f.line}:${f.column}</code> ${tags}<a class="fp" href="#${id}">#${f.fingerprint.slice(0, 8)}</a></h3>
<p>${prose(first)}${explanation}</p>${lines ? codeFrame(lines, f) : ''}${chain.length ? `<ol class="chain" aria-label="path">${chain.join('')}</ol>` : ''}</article>`;
}

/** The flagged lines with one line of context, the span marked; long spans show their first four lines. */
function codeFrame(lines: string[], f: Finding): string {
  const last = Math.min(f.endLine, f.line + 3);
  const first = Math.max(1, f.line - 1);
  const end = Math.min(lines.length, last + 1);
  const width = String(end).length;
  const out: string[] = [];
  for (let n = first; n <= end; n++) {
    let text = lines[n - 1] ?? '';
    if (text.length > 160) text = `${text.slice(0, 159)}…`;
    const inSpan = n >= f.line && n <= f.endLine;
    const from = n === f.line ? f.column - 1 : 0;
    const to = n === f.endLine ? Math.max(from + 1, f.endColumn - 1) : text.length;
    const body = inSpan ? `${esc(text.slice(0, from))}<mark>${esc(text.slice(from, to))}</mark>${esc(text.slice(to))}` : esc(text);
    out.push(`<i>${String(n).padStart(width)}</i>${body}`);
  }
  return `<pre class="frame"><code>${out.join('\n')}</code></pre>`;
}
