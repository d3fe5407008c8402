/**
 * The few pieces of hand-written SVG the benchmark charts share. Charts are plain text so they
 * need no dependency and diff well in git; GitHub shows them through <img>, where the page's
 * dark theme does not reach inside, hence the explicit white background.
 */

export const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

export const COLORS = {
  ink: '#1f2328',
  muted: '#59636e',
  grid: '#d8dee4',
  peer: '#8c959f',
  portier: '#0969da',
  goal: '#cf222e',
  noise: '#eaeef2',
} as const;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Coordinates rounded to a tenth of a pixel: finer is invisible and only bloats the diff. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export type Anchor = 'start' | 'middle' | 'end';

export interface TextOptions {
  anchor?: Anchor;
  size?: number;
  weight?: 'normal' | 'bold';
  fill?: string;
}

export function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  const anchor = options.anchor && options.anchor !== 'start' ? ` text-anchor="${options.anchor}"` : '';
  const weight = options.weight === 'bold' ? ' font-weight="bold"' : '';
  return (
    `<text x="${px(x)}" y="${px(y)}" font-size="${options.size ?? 13}" fill="${options.fill ?? COLORS.ink}"` +
    `${anchor}${weight}>${escapeXml(content)}</text>`
  );
}

export interface SvgDocument {
  width: number;
  height: number;
  /** Short name of the chart, read first by screen readers and shown as a tooltip. */
  title: string;
  /** The chart's numbers in words, for readers who cannot see it. */
  description: string;
  body: string[];
}

export function svgDocument(doc: SvgDocument): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${doc.width}" height="${px(doc.height)}"` +
      ` viewBox="0 0 ${doc.width} ${px(doc.height)}" role="img" aria-labelledby="title desc"` +
      ` font-family="${escapeXml(FONT)}">`,
    `<title id="title">${escapeXml(doc.title)}</title>`,
    `<desc id="desc">${escapeXml(doc.description)}</desc>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...doc.body,
    '</svg>',
    '',
  ].join('\n');
}

/** Round ticks from `from` to `to` every `step`, for axes whose ends are already multiples of it. */
export function ticks(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let value = from; value <= to + step / 1e6; value += step) out.push(Math.round(value * 1e6) / 1e6);
  return out;
}

export function formatThousands(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** One decimal and a real minus sign, which reads better than a hyphen next to digits. */
export function formatPercent(value: number): string {
  const rounded = value.toFixed(1);
  return `${rounded.startsWith('-') ? `\u2212${rounded.slice(1)}` : rounded}%`;
}
