/**
 * Chart of what metrics and the access log cost, from the paired rounds: per variant the median
 * as a bar and every round as a dot, so the spread that a median hides stays visible, with the
 * goal as a dashed line and the control's middle half of rounds shaded as the noise floor.
 */
import { COST_GOAL_PERCENT, CONTROL_VARIANT } from './observability-cost.js';
import { quantile } from './paired-rounds.js';
import { COLORS, formatPercent, px, svgDocument, text, ticks } from './svg.js';

export interface CostChartRow {
  name: string;
  /** Median cost over the rounds; null marks a set's plain baseline, which has no cost and is not drawn. */
  costPercent: number | null;
  roundCostsPercent: number[];
}

export interface CostChartOptions {
  subtitle: string;
}

const WIDTH = 720;
const LABEL_RIGHT = 164;
const PLOT_LEFT = 176;
const PLOT_RIGHT = 630;
const VALUE_RIGHT = 700;
const TOP = 100;
const ROW = 38;
const BAR = 16;
const DOT_RADIUS = 3.5;
const TICK_STEP = 5;

export function observabilityCostChart(rows: CostChartRow[], options: CostChartOptions): string {
  const control = CONTROL_VARIANT;
  const goalPercent = COST_GOAL_PERCENT;
  const variants = rows.filter((r): r is CostChartRow & { costPercent: number } => r.costPercent !== null);
  const all = variants.flatMap((r) => [r.costPercent, ...r.roundCostsPercent]);
  const axisMin = Math.floor(Math.min(0, ...all) / TICK_STEP) * TICK_STEP;
  const axisMax = Math.ceil(Math.max(goalPercent + TICK_STEP, ...all) / TICK_STEP) * TICK_STEP;
  const x = (value: number): number => PLOT_LEFT + ((value - axisMin) / (axisMax - axisMin)) * (PLOT_RIGHT - PLOT_LEFT);
  const bottom = TOP + variants.length * ROW;
  const noise = variants.find((r) => r.name === control);

  const body: string[] = [
    text(16, 28, 'What metrics and the access log cost Portier (lower is better)', { size: 16, weight: 'bold' }),
    text(16, 50, options.subtitle, { size: 12, fill: COLORS.muted }),
    ...legend(72, goalPercent, noise !== undefined),
  ];
  if (noise && noise.roundCostsPercent.length > 0) {
    const low = x(quantile(noise.roundCostsPercent, 0.25));
    const high = x(quantile(noise.roundCostsPercent, 0.75));
    body.push(
      `<rect class="noise-floor" x="${px(low)}" y="${TOP - 8}" width="${px(high - low)}"` +
        ` height="${bottom - TOP + 8}" fill="${COLORS.noise}"/>`,
    );
  }
  for (const value of ticks(axisMin, axisMax, TICK_STEP)) {
    body.push(
      `<line x1="${px(x(value))}" y1="${TOP - 8}" x2="${px(x(value))}" y2="${bottom}"` +
        ` stroke="${value === 0 ? COLORS.muted : COLORS.grid}"/>`,
      text(x(value), bottom + 18, formatPercent(value).replace('.0', ''), {
        anchor: 'middle',
        size: 11,
        fill: COLORS.muted,
      }),
    );
  }
  for (const [i, row] of variants.entries()) {
    const isControl = row.name === control;
    const middle = TOP + i * ROW + ROW / 2;
    const left = Math.min(x(0), x(row.costPercent));
    body.push(
      text(LABEL_RIGHT, middle - (isControl ? 3 : -4.5), row.name, { anchor: 'end' }),
      ...(isControl
        ? [text(LABEL_RIGHT, middle + 12, 'control: noise floor', { anchor: 'end', size: 11, fill: COLORS.muted })]
        : []),
      `<rect class="median" x="${px(left)}" y="${px(middle - BAR / 2)}" width="${px(Math.abs(x(row.costPercent) - x(0)))}"` +
        ` height="${BAR}" fill="${isControl ? COLORS.peer : COLORS.portier}" fill-opacity="0.75"/>`,
      ...row.roundCostsPercent.map(
        (cost, round) =>
          // A small fixed vertical spread keeps rounds with nearly equal costs from hiding each other.
          `<circle class="round" cx="${px(x(cost))}" cy="${px(middle + ((round % 5) - 2) * 2.5)}" r="${DOT_RADIUS}"` +
          ` fill="${COLORS.ink}" fill-opacity="0.55" stroke="#ffffff" stroke-width="0.8"/>`,
      ),
      text(VALUE_RIGHT, middle + 4.5, formatPercent(row.costPercent), {
        anchor: 'end',
        weight: isControl ? 'normal' : 'bold',
        fill: isControl ? COLORS.muted : COLORS.ink,
      }),
    );
  }
  body.push(
    `<line class="goal" x1="${px(x(goalPercent))}" y1="${TOP - 8}" x2="${px(x(goalPercent))}" y2="${bottom}"` +
      ` stroke="${COLORS.goal}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    text(VALUE_RIGHT, TOP - 14, 'median', { anchor: 'end', size: 11, fill: COLORS.muted }),
    text(
      (PLOT_LEFT + PLOT_RIGHT) / 2,
      bottom + 38,
      'share of requests per CPU-second lost against plain Portier in the same round',
      { anchor: 'middle', size: 12, fill: COLORS.muted },
    ),
  );

  return svgDocument({
    width: WIDTH,
    height: bottom + 54,
    title: 'What metrics and the access log cost Portier',
    description:
      `${options.subtitle}. Goal: under ${goalPercent}%. Median cost (range of rounds): ` +
      variants
        .map((r) => {
          const range = r.roundCostsPercent.length
            ? ` (${formatPercent(Math.min(...r.roundCostsPercent))} to ${formatPercent(Math.max(...r.roundCostsPercent))})`
            : '';
          return `${r.name}${r.name === control ? ' (control, the noise floor)' : ''}: ${formatPercent(r.costPercent)}${range}`;
        })
        .join('; ') +
      '.',
    body,
  });
}

function legend(y: number, goalPercent: number, withNoise: boolean): string[] {
  const items: string[] = [
    `<rect x="16" y="${y - 9}" width="18" height="10" fill="${COLORS.portier}" fill-opacity="0.75"/>`,
    text(40, y, 'median of the rounds', { size: 12 }),
    `<circle cx="190" cy="${y - 4}" r="${DOT_RADIUS}" fill="${COLORS.ink}" fill-opacity="0.55"/>`,
    text(199, y, 'one round', { size: 12 }),
    `<line x1="282" y1="${y - 4}" x2="304" y2="${y - 4}" stroke="${COLORS.goal}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    text(310, y, `goal: under ${goalPercent}%`, { size: 12 }),
  ];
  if (withNoise) {
    items.push(
      `<rect x="420" y="${y - 9}" width="18" height="10" fill="${COLORS.noise}" stroke="${COLORS.grid}"/>`,
      text(444, y, 'noise floor (control, middle half)', { size: 12 }),
    );
  }
  return items;
}
