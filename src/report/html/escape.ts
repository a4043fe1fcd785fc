const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/**
 * Text and attribute values: everything from the scanned code passes through here. Attributes are
 * always double-quoted, so `'` needs no escape (code is full of them, and the page's size counts).
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ENTITIES[c] as string);
}
