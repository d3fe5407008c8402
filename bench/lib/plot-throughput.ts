/**
 * Chart of requests per CPU-second per proxy: horizontal bars, best first, Portier in colour and
 * every bar labelled with its value and its ratio to nginx, so the picture needs no table.
 */
import { COLORS, formatThousands, px, svgDocument, text, ticks } from './svg.js';

export interface ThroughputRow {
  name: string;
  perCpuSecond: number;
}

export interface ThroughputChartOptions {
  /** Shown under the title: what was measured and when. */
  subtitle: string;
}

const WIDTH = 720;
const LABEL_RIGHT = 150;
const PLOT_LEFT = 160;
const PLOT_RIGHT = 540;
const TOP = 72;
const ROW = 36;
const BAR = 22;
const TICK_STEP = 10_000;
/** Portier's bar is highlighted. */
const HIGHLIGHT = 'portier';
/** Every bar also shows its ratio to this proxy's value, when present. */
const REFERENCE = 'nginx';

export function throughputChart(rows: ThroughputRow[], options: ThroughputChartOptions): string {
  const sorted = [...rows].sort((a, b) => b.perCpuSecond - a.perCpuSecond);
  const referenceValue = rows.find((r) => r.name === REFERENCE)?.perCpuSecond;
  const axisMax = Math.max(
    TICK_STEP,
    Math.ceil(Math.max(0, ...rows.map((r) => r.perCpuSecond)) / TICK_STEP) * TICK_STEP,
  );
  const x = (value: number): number => PLOT_LEFT + (value / axisMax) * (PLOT_RIGHT - PLOT_LEFT);
  const bottom = TOP + sorted.length * ROW;
  const ratio = (value: number): string =>
    referenceValue ? ` \u00b7 ${(value / referenceValue).toFixed(2)}\u00d7 ${REFERENCE}` : '';

  const body: string[] = [
    text(16, 28, 'Requests per CPU-second of the proxy (higher is better)', { size: 16, weight: 'bold' }),
    text(16, 50, options.subtitle, { size: 12, fill: COLORS.muted }),
  ];
  for (const value of ticks(0, axisMax, TICK_STEP)) {
    body.push(
      `<line x1="${px(x(value))}" y1="${TOP - 6}" x2="${px(x(value))}" y2="${bottom}" stroke="${COLORS.grid}"/>`,
      text(x(value), bottom + 18, value === 0 ? '0' : `${value / 1000}k`, {
        anchor: 'middle',
        size: 11,
        fill: COLORS.muted,
      }),
    );
  }
  for (const [i, row] of sorted.entries()) {
    const mine = row.name === HIGHLIGHT;
    const y = TOP + i * ROW + (ROW - BAR) / 2;
    const middle = y + BAR / 2 + 4.5;
    const width = Math.max(0, x(row.perCpuSecond) - PLOT_LEFT);
    body.push(
      text(LABEL_RIGHT, middle, row.name, { anchor: 'end', weight: mine ? 'bold' : 'normal' }),
      `<rect x="${PLOT_LEFT}" y="${px(y)}" width="${px(width)}" height="${BAR}" rx="2"` +
        ` fill="${mine ? COLORS.portier : COLORS.peer}"/>`,
      text(x(row.perCpuSecond) + 8, middle, `${formatThousands(row.perCpuSecond)}${ratio(row.perCpuSecond)}`, {
        size: 12,
        weight: mine ? 'bold' : 'normal',
        fill: mine ? COLORS.portier : COLORS.ink,
      }),
    );
  }
  body.push(
    `<line x1="${PLOT_LEFT}" y1="${TOP - 6}" x2="${PLOT_LEFT}" y2="${bottom}" stroke="${COLORS.muted}"/>`,
    text((PLOT_LEFT + PLOT_RIGHT) / 2, bottom + 38, 'requests served per second of the proxy’s CPU time', {
      anchor: 'middle',
      size: 12,
      fill: COLORS.muted,
    }),
  );

  return svgDocument({
    width: WIDTH,
    height: bottom + 54,
    title: 'Requests per CPU-second of the proxy',
    description:
      `${options.subtitle}. ` +
      sorted.map((r) => `${r.name}: ${formatThousands(r.perCpuSecond)}${ratio(r.perCpuSecond)}`).join('; ') +
      '.',
    body,
  });
}
