import type { Collection, JSCodeshift } from 'jscodeshift';
import type { Node } from './ast.js';
import type { LoadedModule } from './helper-fake.js';
import type { Edit } from './edits.js';
import type { RewriteOptions } from './rewrite.js';
import type { EngineSupport } from './socketio-version.js';

/** What every rewrite of one file shares: the parsed file, the edits so far, the names to import or release. */
export interface SiteContext {
  j: JSCodeshift;
  root: Collection;
  source: string;
  text(node: Node): string;
  edits: Edit[];
  imports: Set<string>;
  released: Set<string>;
  options: RewriteOptions;
  project: ProjectLinks;
  /** The framework of the site being rewritten (from the finding): picks the refusal's advice. */
  framework?: string;
  /** Engine registrations made in this file (function, server, middleware): one is enough. */
  registered?: Map<string, Edit>;
}

/** What the project step knows across files, and what a file's rewrite tells it back. */
export interface ProjectLinks {
  /** Callees here (`wrap`, `helpers.wrap`) that are forwarding socket.io wrappers from other modules. */
  importedWrappers: Set<string>;
  /** Exported helper (local name) → its uses left in other modules after their rewrite; absent: unknown. */
  externalUses: Map<string, number>;
  /** Out: helpers of this file that are exported, with the names they are exported as. */
  exportedHelpers: Map<string, string[]>;
  /** This file's path, when known (TypeScript or JavaScript decides some rewrites). */
  file?: string;
  /** Parses this file's text straight to an AST (faster than `j(source)`); absent: `j(source)`. */
  parse?: (source: string) => unknown;
  /** Whether the socket.io this file runs on has `io.engine.use` (4.6 or later), asked only when a rewrite needs it; absent: not known. */
  engine?: () => EngineSupport;
  /** A module this file imports (by specifier), loaded for reading: where a helper that makes a fake lives. */
  loadModule?: (specifier: string) => LoadedModule | undefined;
}

export function emptyLinks(): ProjectLinks {
  return { importedWrappers: new Set(), externalUses: new Map(), exportedHelpers: new Map() };
}
