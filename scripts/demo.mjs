// `npm run demo`: scans the bundled legacy chat server. Findings (exit 1) are the expected outcome
// of the demo, so only a failure of the tool itself (exit 2) fails this script.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const result = spawnSync(process.execPath, [path.join(root, 'bin', 'ws-mock-audit.js'), 'fixtures/demo-app', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status === 1) console.error('\nws-mock-audit exited with 1: it found fakes in the demo app, as intended. In CI that fails the build.');
process.exitCode = result.status === 0 || result.status === 1 ? 0 : (result.status ?? 2);
