/**
 * Turns bench/results/proxy.json into the two charts: into bench/results always, and over the
 * copies in docs/ (which README.md and docs/observability.md show) only when asked, so an
 * ordinary bench run on a noisy machine does not rewrite the published pictures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { observabilityCostChart, type CostChartRow } from './plot-observability-cost.js';
import { throughputChart, type ThroughputRow } from './plot-throughput.js';

/** The shape proxy.bench.ts saves: peer rows and paired-rounds rows in one list. */
export interface ProxyResults {
  date: string;
  rows: (ThroughputRow & Partial<CostChartRow> & { method?: string })[];
  pairedRounds?: { rounds: number; seconds: number; connections: number };
}

export interface ProxyCharts {
  throughput: string;
  observabilityCost: string;
}

export function renderProxyCharts(results: ProxyResults): ProxyCharts {
  const day = results.date.slice(0, 10);
  const peers = results.rows.filter((r) => r.method === undefined);
  const costs = results.rows.filter(
    (r): r is ProxyResults['rows'][number] & CostChartRow => r.method === 'paired-rounds',
  );
  const rounds = results.pairedRounds;
  return {
    throughput: throughputChart(peers, {
      subtitle: `Each proxy alone on one pinned CPU, forwarding 1 KiB responses from one nginx upstream \u00b7 run of ${day}`,
    }),
    observabilityCost: observabilityCostChart(costs, {
      subtitle:
        (rounds
          ? `${rounds.rounds} paired rounds of ${rounds.seconds} s, wrk -c${rounds.connections} each`
          : 'Paired rounds') + `, one pinned CPU, access log to a file \u00b7 run of ${day}`,
    }),
  };
}

const DOCS_CHARTS = {
  throughput: 'docs/bench-throughput.svg',
  observabilityCost: 'docs/bench-observability-cost.svg',
} as const;

/** Writes the charts next to the results; with `updateDocs`, also the copies in docs/. Returns the paths written. */
export function writeProxyCharts(results: ProxyResults, options: { updateDocs: boolean }): string[] {
  const root = resolve(import.meta.dirname, '../..');
  const charts = renderProxyCharts(results);
  const targets: [string, string][] = [
    [join(root, 'bench/results/proxy-throughput.svg'), charts.throughput],
    [join(root, 'bench/results/proxy-observability-cost.svg'), charts.observabilityCost],
  ];
  if (options.updateDocs) {
    targets.push([join(root, DOCS_CHARTS.throughput), charts.throughput]);
    targets.push([join(root, DOCS_CHARTS.observabilityCost), charts.observabilityCost]);
  }
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  for (const [path, svg] of targets) writeFileSync(path, svg);
  return targets.map(([path]) => path);
}
