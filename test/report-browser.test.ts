import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../rules/index.js';
import { stageOf } from '../src/report/migration.js';
import { findChromium, openPage, type Page } from './helpers/chromium.js';
import { ROOT, runCli } from './helpers/cli.js';
import { demoHistoryRepo, type DemoHistory } from './helpers/demo-history.js';

/** Screenshots land here (git-ignored): CI keeps them as artefacts. */
const ARTEFACTS = path.join(ROOT, '.test-output');
const chromium = findChromium();
const browser = suite('report in headless Chromium (Debian chromium, DevTools protocol over a pipe)');
if (!chromium) console.log('\n  SKIP report-browser: no `chromium` on PATH (bash .ci/run installs Debian\'s chromium package); the page was not rendered in a browser.\n');
const test = chromium ? browser : browser.skip;

let demo: DemoHistory;
let page: Page;
let reportUrl: string;
let findings: { ruleId: string; fingerprint: string; fixable: boolean }[];

browser.before(async () => {
  if (!chromium) return;
  demo = demoHistoryRepo();
  const out = path.join(demo.dir, '.out', 'report.html');
  const run = runCli(['report', 'src', '--history', '10', '-o', out], { cwd: demo.dir });
  assert.is(run.status, 0, run.stderr);
  reportUrl = pathToFileURL(out).href;
  findings = JSON.parse(runCli(['src', '--format', 'json'], { cwd: demo.dir }).stdout).findings;
  page = await openPage(chromium);
});

browser.after(async () => {
  if (!chromium) return;
  await page.close();
  rmSync(demo.dir, { recursive: true, force: true });
});

const stage = new Map(RULES.map((rule) => [rule.meta.id, stageOf(rule.meta)]));

test('renders from file:// without console errors or requests; counts and plotted points are in the DOM; screenshot saved', async () => {
  await page.navigate(reportUrl);
  assert.equal(page.problems, [], 'no console errors, exceptions or failed loads');
  assert.equal(page.requests, [reportUrl], 'the page loads nothing but itself');
  const counts = await page.evaluate<Record<string, string>>(
    "Object.fromEntries([...document.querySelectorAll('[data-count]')].map((el) => [el.dataset.count, el.textContent]))",
  );
  const fakes = findings.filter((finding) => stage.get(finding.ruleId) === 'fake');
  assert.is(counts.open, String(fakes.length));
  assert.is(counts.fixable, String(fakes.filter((finding) => finding.fixable).length));
  assert.is(counts.legacy, String(findings.filter((finding) => stage.get(finding.ruleId) === 'legacy-branch').length));
  assert.is(counts.findings, String(findings.length));
  const points = await page.evaluate<number>("document.querySelectorAll('#history-chart [data-point]').length");
  assert.is(points, 3 * demo.commits.length, 'three series, one point per commit');
  const hover = await page.evaluate<string>("document.querySelector('#history-chart [data-point] title').textContent");
  assert.match(hover, demo.commits[0]?.sha.slice(0, 8) as string);
  assert.is(await page.evaluate<number>("document.querySelectorAll('#list > article').length"), findings.length);
  mkdirSync(ARTEFACTS, { recursive: true });
  const png = await page.screenshot(1280);
  assert.ok(png.subarray(1, 4).toString() === 'PNG' && png.length > 10_000, 'a real screenshot');
  writeFileSync(path.join(ARTEFACTS, 'report-demo.png'), png);
});

test('filters hide what does not match; a fingerprint link shows its finding even when filtered out', async () => {
  await page.navigate(reportUrl);
  const rule = 'fake-request';
  const expected = findings.filter((finding) => finding.ruleId === rule).length;
  const shown = await page.evaluate<[string, number]>(
    `(() => { const form = document.getElementById('filters'); form.elements.rule.value = ${JSON.stringify(rule)}; form.dispatchEvent(new Event('input')); return [document.getElementById('shown').textContent, document.querySelectorAll('#list > article:not([hidden])').length]; })()`,
  );
  assert.equal(shown, [String(expected), expected]);
  const other = findings.find((finding) => finding.ruleId !== rule);
  assert.ok(other);
  const visible = await page.evaluate<boolean>(`(() => { location.hash = 'f-${other.fingerprint}'; window.dispatchEvent(new HashChangeEvent('hashchange')); return !document.getElementById('f-${other.fingerprint}').hidden; })()`);
  assert.ok(visible);
  assert.equal(page.problems, []);
});

test('with JavaScript disabled every finding and number is still there; the filter form stays hidden', async () => {
  await page.setScriptsDisabled(true);
  await page.navigate(reportUrl);
  const state = await page.evaluate<{ articles: number; hidden: number; form: string; tables: number }>(
    "({ articles: document.querySelectorAll('#list > article').length, hidden: document.querySelectorAll('#list > article[hidden]').length, form: getComputedStyle(document.getElementById('filters')).display, tables: document.querySelectorAll('table').length })",
  );
  assert.is(state.articles, findings.length);
  assert.is(state.hidden, 0);
  assert.is(state.form, 'none');
  assert.ok(state.tables >= 6);
  await page.setScriptsDisabled(false);
});

browser.run();
