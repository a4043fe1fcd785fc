import { readdirSync, utimesSync } from 'node:fs';
import path from 'node:path';

/**
 * Dates a tree back, as in a real checkout: the cache trusts only stats older than the run (racy
 * stats, as in git), so tests that expect reuse age their files first.
 */
export function dateBack(root: string, secondsAgo: number): void {
  const when = new Date(Date.now() - secondsAgo * 1000);
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      utimesSync(full, when, when);
    }
    utimesSync(dir, when, when);
  };
  visit(root);
}
