/** Code-unit order, the same on every machine and locale: for stable output and baselines. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
