import { pathToFileURL } from 'node:url';
import type { Finding, RelatedLocation, Severity } from '../types.js';
import type { Report } from './model.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
const SRCROOT = '%SRCROOT%';

function physicalLocation(file: string, region: { startLine: number; startColumn: number; endLine?: number; endColumn?: number }): object {
  return { artifactLocation: { uri: encodeURI(file), uriBaseId: SRCROOT }, region };
}

function relatedLocation(related: RelatedLocation, id: number): object {
  return {
    id,
    physicalLocation: physicalLocation(related.file, { startLine: related.line, startColumn: related.column }),
    message: { text: related.message },
  };
}

/** The path from the registration to the finding, as GitHub shows it under "Show paths". */
function codeFlow(finding: Finding): object[] {
  if (finding.related.length === 0) return [];
  const steps = [...finding.related].reverse().map((related) => ({
    location: { physicalLocation: physicalLocation(related.file, { startLine: related.line, startColumn: related.column }), message: { text: related.message } },
  }));
  steps.push({
    location: {
      physicalLocation: physicalLocation(finding.file, { startLine: finding.line, startColumn: finding.column }),
      message: { text: 'the fake enters WebSocket handling here' },
    },
  });
  return [{ threadFlows: [{ locations: steps }] }];
}

/** SARIF 2.1.0 as GitHub code scanning accepts it. */
export function formatSarif(report: Report): string {
  const ruleIndex = new Map(report.rules.map((rule, index) => [rule.id, index]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: report.tool.informationUri,
            rules: report.rules.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: rule.description },
              fullDescription: { text: rule.description },
              help: { text: `${rule.description} See ${rule.helpUri}`, markdown: rule.helpMarkdown },
              helpUri: rule.helpUri,
              defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
              properties: { tags: ['websocket', 'security', 'correctness'], precision: 'high', 'problem.severity': rule.defaultSeverity === 'info' ? 'recommendation' : rule.defaultSeverity },
            })),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(`${report.root.replace(/\/?$/, '/')}`).href } },
        columnKind: 'utf16CodeUnits',
        results: report.findings.map((finding) => {
          const result: Record<string, unknown> = {
            ruleId: finding.ruleId,
            level: LEVEL[finding.severity],
            message: { text: finding.message },
            locations: [
              {
                physicalLocation: physicalLocation(finding.file, {
                  startLine: finding.line,
                  startColumn: finding.column,
                  endLine: finding.endLine,
                  endColumn: finding.endColumn,
                }),
              },
            ],
            partialFingerprints: { 'wsMockAudit/v1': finding.fingerprint },
            relatedLocations: finding.related.map((related, index) => relatedLocation(related, index + 1)),
            properties: { fixable: finding.fixable },
          };
          const index = ruleIndex.get(finding.ruleId);
          if (index !== undefined) result.ruleIndex = index;
          const flows = codeFlow(finding);
          if (flows.length) result.codeFlows = flows;
          return result;
        }),
        invocations: [
          {
            // A file the tool failed to analyse makes the run unsuccessful (exit 2).
            executionSuccessful: !report.errors.some((error) => error.kind === 'internal'),
            toolExecutionNotifications: report.errors.map((error) => ({
              level: error.kind === 'internal' ? 'error' : 'warning',
              message: { text: error.message },
              locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(error.file), uriBaseId: SRCROOT } } }],
            })),
          },
        ],
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
