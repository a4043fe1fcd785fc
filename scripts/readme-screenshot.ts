// Makes docs/report-demo.png, the README's picture of the HTML report: the demo app with its small
// migration history (test/helpers/demo-history.ts), rendered by headless chromium.
// Run: npm run build && npx tsx scripts/readme-screenshot.ts
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findChromium, openPage } from '../test/helpers/chromium.js';
import { ROOT, runCli } from '../test/helpers/cli.js';
import { demoHistoryRepo } from '../test/helpers/demo-history.js';

const chromium = findChromium();
if (!chromium) throw new Error('needs Debian\'s chromium on PATH (apt-get install chromium)');
const demo = demoHistoryRepo();
const out = path.join(demo.dir, '.out', 'report.html');
const run = runCli(['report', 'src', '--history', '10', '-o', out], { cwd: demo.dir });
if (run.status !== 0) throw new Error(run.stderr);
const page = await openPage(chromium);
await page.navigate(pathToFileURL(out).href);
writeFileSync(path.join(ROOT, 'docs', 'report-demo.png'), await page.screenshot(1000, 1180));
await page.close();
rmSync(demo.dir, { recursive: true, force: true });
console.log('wrote docs/report-demo.png');
