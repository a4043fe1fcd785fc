/**
 * SVG charts written by hand: a horizontal bar chart and a line chart are a few dozen elements each,
 * cheaper than any chart library inlined into the page (the smallest well-kept ones are 40–200 KB
 * minified) and readable without JavaScript. Every mark carries a `<title>`, which browsers show on
 * hover and screen readers read; the numbers are also printed next to the marks and in a table
 * beside each chart.
 */
import { escapeHtml as esc } from './escape.js';

/** Okabe–Ito: distinguishable with every common colour-vision deficiency. */
export const PALETTE = { blue: '#0072B2', orange: '#E69F00', green: '#009E73', vermillion: '#D55E00', sky: '#56B4E9', purple: '#CC79A7' } as const;

export interface Bar {
  label: string;
  /** The whole bar. */
  value: number;
  /** The part of it drawn in the first colour (fixable findings); the rest in the second. */
  part?: number;
  /** Printed instead of a bar when the value is not known. */
  unknown?: string;
}

export interface BarChartOptions {
  title: string;
  /** Axis titles. */
  xLabel: string;
  yLabel: string;
  /** Legend names of the two parts, when bars have `part`. */
  parts?: [string, string];
  id: string;
}

const FONT = 12;
const CHAR = 7;

function niceMax(max: number): number {
  if (max <= 5) return Math.max(1, max);
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

function ticks(max: number): number[] {
  const top = niceMax(max);
  const step = top <= 5 ? 1 : top / 5;
  const out: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) out.push(Math.round(v * 100) / 100);
  return out;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function barChart(bars: Bar[], options: BarChartOptions): string {
  const labelChars = Math.min(30, Math.max(6, ...bars.map((bar) => bar.label.length)));
  const left = 28 + labelChars * CHAR;
  const plot = 300;
  const row = 22;
  const top = options.parts ? 28 : 8;
  const height = top + Math.max(1, bars.length) * row + 44;
  const width = left + plot + 60;
  const axis = ticks(Math.max(0, ...bars.map((bar) => bar.value)));
  const scale = (v: number): number => (v / (axis[axis.length - 1] ?? 1)) * plot;
  const out: string[] = [];
  out.push(
    `<svg class="chart" id="${options.id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${options.id}-t" font-size="${FONT}">`,
    `<title id="${options.id}-t">${esc(options.title)}</title>`,
  );
  if (options.parts) {
    out.push(
      `<rect x="${left}" y="6" width="12" height="12" fill="${PALETTE.blue}"/><text x="${left + 16}" y="16">${esc(options.parts[0])}</text>`,
      `<rect x="${left + 120}" y="6" width="12" height="12" fill="${PALETTE.orange}"/><text x="${left + 136}" y="16">${esc(options.parts[1])}</text>`,
    );
  }
  const bottom = top + bars.length * row;
  for (const tick of axis) {
    const x = left + scale(tick);
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" class="grid"/><text x="${x}" y="${bottom + 14}" text-anchor="middle">${tick}</text>`);
  }
  bars.forEach((bar, i) => {
    const y = top + i * row + 3;
    const part = bar.part ?? bar.value;
    if (bar.unknown !== undefined) {
      out.push(`<g data-bar><title>${esc(`${bar.label}: ${bar.unknown}`)}</title><text x="${left - 6}" y="${y + 12}" text-anchor="end">${esc(clip(bar.label, 30))}</text><text x="${left + 4}" y="${y + 12}" class="num">${esc(bar.unknown)}</text></g>`);
      return;
    }
    const hover = `${bar.label}: ${bar.value}${bar.part !== undefined && options.parts ? ` (${bar.part} ${options.parts[0]}, ${bar.value - bar.part} ${options.parts[1]})` : ''}`;
    out.push(`<g data-bar><title>${esc(hover)}</title>`);
    out.push(`<text x="${left - 6}" y="${y + 12}" text-anchor="end">${esc(clip(bar.label, 30))}</text>`);
    if (part > 0) out.push(`<rect x="${left}" y="${y}" width="${scale(part).toFixed(1)}" height="16" fill="${PALETTE.blue}"/>`);
    if (bar.value > part) out.push(`<rect x="${(left + scale(part)).toFixed(1)}" y="${y}" width="${scale(bar.value - part).toFixed(1)}" height="16" fill="${PALETTE.orange}"/>`);
    out.push(`<text x="${(left + scale(bar.value) + 4).toFixed(1)}" y="${y + 12}" class="num">${bar.value}</text></g>`);
  });
  out.push(axes({ left, top, width: plot, height: bottom - top, xTitleGap: 34, yTitleX: 12 }, options), '</svg>');
  return out.join('');
}

export interface Series {
  name: string;
  values: number[];
  colour: string;
  /** Marker shape and dash, so series differ by more than colour. */
  marker: 'circle' | 'square' | 'triangle';
  dash?: string;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** One label per x position (commit), for hover text; `tickLabels` are the few printed under the axis. */
  pointLabels: string[];
  tickLabels: string[];
  id: string;
}

function marker(shape: Series['marker'], x: number, y: number, colour: string, title: string, series: string): string {
  const label = `<title>${esc(title)}</title>`;
  const data = `data-point data-series="${esc(series)}"`;
  if (shape === 'square') return `<rect ${data} x="${(x - 4).toFixed(1)}" y="${(y - 4).toFixed(1)}" width="8" height="8" fill="${colour}">${label}</rect>`;
  if (shape === 'triangle') return `<path ${data} d="M${x.toFixed(1)} ${(y - 5).toFixed(1)}l5 9h-10z" fill="${colour}">${label}</path>`;
  return `<circle ${data} cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="4.5" fill="${colour}">${label}</circle>`;
}

export function lineChart(series: Series[], options: LineChartOptions): string {
  const count = options.pointLabels.length;
  const left = 56;
  const plotW = 620;
  const plotH = 220;
  const top = 30;
  // Room on the right for the last date under the axis.
  const width = left + plotW + 44;
  const height = top + plotH + 58;
  const axis = ticks(Math.max(0, ...series.flatMap((s) => s.values)));
  const yMax = axis[axis.length - 1] ?? 1;
  const x = (i: number): number => left + (count <= 1 ? plotW / 2 : (i / (count - 1)) * plotW);
  const y = (v: number): number => top + plotH - (v / yMax) * plotH;
  const out: string[] = [
    `<svg class="chart" id="${options.id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${options.id}-t" font-size="${FONT}">`,
    `<title id="${options.id}-t">${esc(options.title)}</title>`,
  ];
  let legendX = left;
  for (const s of series) {
    out.push(`<line x1="${legendX}" y1="12" x2="${legendX + 22}" y2="12" stroke="${s.colour}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    out.push(marker(s.marker, legendX + 11, 12, s.colour, s.name, 'legend').replace('data-point ', ''));
    out.push(`<text x="${legendX + 28}" y="16">${esc(s.name)}</text>`);
    legendX += 40 + s.name.length * CHAR;
  }
  for (const tick of axis) {
    out.push(`<line x1="${left}" y1="${y(tick)}" x2="${left + plotW}" y2="${y(tick)}" class="grid"/><text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`);
  }
  const every = Math.max(1, Math.ceil(count / 6));
  options.tickLabels.forEach((label, i) => {
    if (i % every !== 0 && i !== count - 1) return;
    out.push(`<text x="${x(i).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle">${esc(label)}</text>`);
  });
  for (const s of series) {
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${points}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    s.values.forEach((v, i) => out.push(marker(s.marker, x(i), y(v), s.colour, `${options.pointLabels[i] ?? ''}: ${v} ${s.name}`, s.name)));
  }
  out.push(axes({ left, top, width: plotW, height: plotH, xTitleGap: 40, yTitleX: 14 }, options), '</svg>');
  return out.join('');
}

/** Both axes of a plot area and their titles (the x title below, the y title turned along the left). */
function axes(
  box: { left: number; top: number; width: number; height: number; xTitleGap: number; yTitleX: number },
  labels: { xLabel: string; yLabel: string },
): string {
  const { left, top, width, height, xTitleGap, yTitleX } = box;
  const bottom = top + height;
  const middle = top + height / 2;
  return (
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" class="axis"/><line x1="${left}" y1="${bottom}" x2="${left + width}" y2="${bottom}" class="axis"/>` +
    `<text x="${left + width / 2}" y="${bottom + xTitleGap}" text-anchor="middle" class="axis-title">${esc(labels.xLabel)}</text>` +
    `<text x="${yTitleX}" y="${middle}" text-anchor="middle" class="axis-title" transform="rotate(-90 ${yTitleX} ${middle})">${esc(labels.yLabel)}</text>`
  );
}
