import type { Collection, JSCodeshift } from 'jscodeshift';
import type { Node } from './ast.js';
import type { Edit } from './edits.js';
import type { RewriteOptions } from './rewrite.js';

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
}
