/**
 * Draws the charts of the last proxy benchmark again without running it:
 *   node --import tsx bench/plot.ts                      -> bench/results/*.svg
 *   UPDATE_DOCS_PLOT=1 node --import tsx bench/plot.ts   -> also docs/bench-*.svg
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { writeProxyCharts, type ProxyResults } from './lib/proxy-plots.js';

const resultsFile = resolve(import.meta.dirname, 'results/proxy.json');
const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as ProxyResults;
for (const path of writeProxyCharts(results, { updateDocs: process.env.UPDATE_DOCS_PLOT === '1' })) {
  console.log(`wrote ${relative(process.cwd(), path)}`);
}
