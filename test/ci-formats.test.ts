import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../rules/index.js';
import { escapeData, escapeProperty } from '../src/report/github.js';
import { ROOT, runCli } from './helpers/cli.js';

const require = createRequire(import.meta.url);
const Ajv04 = require('ajv-draft-04') as new (options: object) => { compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown } };
const SARIF_SCHEMA = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
const DEMO = 'fixtures/demo-app';

const formats = suite('CI formats');

formats('SARIF validates against the official SARIF 2.1.0 schema and carries what code scanning needs', () => {
  const run = runCli([DEMO, '--format', 'sarif']);
  assert.is(run.status, 1, run.stderr);
  const log = JSON.parse(run.stdout);
  const validate = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false }).compile(SARIF_SCHEMA);
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const [sarifRun] = log.runs;
  const { driver } = sarifRun.tool;
  assert.is(driver.name, 'ws-mock-audit');
  assert.match(driver.version, /^\d+\.\d+\.\d+/);
  assert.equal(driver.rules.map((rule: { id: string }) => rule.id), RULES.map((rule) => rule.meta.id));
  for (const rule of driver.rules) {
    assert.ok(rule.shortDescription.text && rule.fullDescription.text && rule.help.text && rule.help.markdown);
    assert.match(rule.helpUri, `rules/${rule.id}.md`);
    assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
  }
  assert.is(sarifRun.results.length, 9);
  for (const result of sarifRun.results) {
    assert.is(driver.rules[result.ruleIndex].id, result.ruleId);
    const location = result.locations[0].physicalLocation;
    assert.is(location.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.not.match(location.artifactLocation.uri, /^\//, 'relative uri');
    assert.ok(location.region.startLine && location.region.startColumn && location.region.endLine && location.region.endColumn);
    assert.match(result.partialFingerprints['wsMockAudit/v1'], /^[0-9a-f]{20}$/);
  }
  const crossFile = sarifRun.results.find((result: { message: { text: string } }) => result.message.text.includes('`requestForUser()`'));
  assert.ok(crossFile, 'the helper-made fake is reported');
  assert.ok(crossFile.relatedLocations.some((related: { physicalLocation: { artifactLocation: { uri: string } } }) => related.physicalLocation.artifactLocation.uri.endsWith('lib/request-helpers.ts')));
  assert.ok(crossFile.codeFlows[0].threadFlows[0].locations.length >= 3, 'the path from registration to the fake');
  assert.match(sarifRun.originalUriBaseIds['%SRCROOT%'].uri, /^file:\/\/.*\/$/);
});

formats('github annotations escape %, CR, LF in data and also : and , in properties', () => {
  assert.is(escapeData('50% done\r\nnext'), '50%25 done%0D%0Anext');
  assert.is(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
  const run = runCli([DEMO, '--format', 'github']);
  assert.is(run.status, 1);
  const lines = run.stdout.trim().split('\n');
  assert.is(lines.length, 9);
  assert.match(lines[0] ?? '', /^::error file=fixtures\/demo-app\/src\/[\w/.-]+\.ts,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=ws-mock-audit\(fake-request\)::/);
  assert.ok(lines.some((line) => line.startsWith('::notice ') && line.includes('legacy-flag-branch')));
  for (const line of lines) assert.not.match(line.split('::')[2] ?? '', /[\r\n]/);
});

formats('each format to its own file in one run', () => {
  const dir = path.join(ROOT, '.ci-out');
  const run = runCli([DEMO, '-f', 'sarif', '-o', '.ci-out/r.sarif', '-f', 'json', '-o', '.ci-out/r.json', '-f', 'github']);
  assert.is(run.status, 1);
  assert.is(JSON.parse(readFileSync(path.join(dir, 'r.sarif'), 'utf8')).version, '2.1.0');
  assert.is(JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8')).findings.length, 9);
  assert.match(run.stdout, '::error ');
});

formats('the config schema lists exactly the rules there are', () => {
  const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'config.schema.json'), 'utf8'));
  assert.equal(schema.properties.rules.propertyNames.enum, RULES.map((rule) => rule.meta.id));
});
formats.run();
