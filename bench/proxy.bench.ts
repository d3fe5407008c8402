/**
 * Proxy throughput per CPU-second: Portier against nginx, HAProxy and Caddy, each with one worker
 * pinned to CPU 1, all forwarding to the same nginx upstream pinned to CPU 0 with wrk. Raw
 * requests/s swing with the noise of a shared machine; CPU time per request (from /proc) does not
 * nearly as much, so the ratios per CPU-second are the headline. The peers are measured one after
 * the other, which is good enough for ratios of 3x; the cost of metrics and the access log, a few
 * percent, is measured in paired rounds instead (lib/paired-rounds.ts says why).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { measureObservabilityCost, printCostTable } from './lib/observability-cost.js';
import { writeProxyCharts, type ProxyResults } from './lib/proxy-plots.js';
import type { PairedRoundsOptions } from './lib/paired-rounds.js';
import { cpuSecondsOfTree } from './lib/process-cpu.js';
import { BENCH_HOST, caddy, haproxy, nginxProxy, nginxUpstream, portier, type ProxyUnderTest } from './lib/peers.js';
import { startPinned, stop, waitUntilServing } from './lib/proxy-process.js';
import { runWrk } from './lib/wrk.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PAIRED_ROUNDS: PairedRoundsOptions = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 12),
  seconds: Number(process.env.BENCH_PAIR_SECONDS ?? 4),
  connections: Number(process.env.BENCH_PAIR_CONNECTIONS ?? 25),
  host: BENCH_HOST,
  loadCpu: '0',
};
const PROXY_CPU = '1';
const LOAD_CPU = '0';
const UPSTREAM_PORT = 18_900;
const BIN = resolve(import.meta.dirname, '../bin/portier.js');

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  perCpuSecond: number;
  errors: number;
}

async function measure(proxy: ProxyUnderTest, port: number): Promise<Row> {
  const child = startPinned(proxy, PROXY_CPU);
  try {
    await waitUntilServing(port, proxy.name);
    runWrk(`http://127.0.0.1:${port}/`, { seconds: 2, connections: CONNECTIONS, host: BENCH_HOST, cpu: LOAD_CPU });
    const cpuBefore = cpuSecondsOfTree(child.pid!);
    const result = runWrk(`http://127.0.0.1:${port}/`, {
      seconds: SECONDS,
      connections: CONNECTIONS,
      host: BENCH_HOST,
      cpu: LOAD_CPU,
    });
    const cpu = cpuSecondsOfTree(child.pid!) - cpuBefore;
    return {
      name: proxy.name,
      rps: result.requestsPerSecond,
      p50: result.p50Ms,
      p99: result.p99Ms,
      perCpuSecond: result.requests / cpu,
      errors: result.errors,
    };
  } finally {
    await stop(child);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portier-bench-'));
  const upstream = startPinned(nginxUpstream(dir, UPSTREAM_PORT), LOAD_CPU);
  try {
    await new Promise((r) => setTimeout(r, 300));
    const proxies = [
      nginxProxy(dir, 18_901, UPSTREAM_PORT),
      haproxy(dir, 18_902, UPSTREAM_PORT),
      caddy(dir, 18_903, UPSTREAM_PORT),
      portier(dir, 18_904, UPSTREAM_PORT, BIN),
    ];
    const rows: Row[] = [];
    for (const [i, proxy] of proxies.entries()) rows.push(await measure(proxy, 18_901 + i));
    reportPeers(rows);
    const costs = await measureObservabilityCost({
      dir,
      upstreamPort: UPSTREAM_PORT,
      firstPort: 18_910,
      bin: BIN,
      proxyCpu: PROXY_CPU,
      rounds: PAIRED_ROUNDS,
    });
    printCostTable(costs, PAIRED_ROUNDS);
    const results: ProxyResults = {
      date: new Date().toISOString(),
      rows: [...rows, ...costs],
      pairedRounds: PAIRED_ROUNDS,
    };
    save(results);
    // Charts land in bench/results; UPDATE_DOCS_PLOT=1 also replaces the ones in docs/.
    writeProxyCharts(results, { updateDocs: process.env.UPDATE_DOCS_PLOT === '1' });
  } finally {
    await stop(upstream);
    rmSync(dir, { recursive: true, force: true });
  }
}

function reportPeers(rows: Row[]): void {
  const nginx = rows.find((r) => r.name === 'nginx')!;
  const ours = rows.find((r) => r.name === 'portier')!;
  console.log(`\nProxy benchmark: wrk -c${CONNECTIONS} for ${SECONDS}s, 1 KiB responses, proxy pinned to one CPU`);
  console.log('proxy        req/s    p50 ms  p99 ms  req per CPU-s  vs nginx  errors');
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(11)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(7)}` +
        ` ${r.perCpuSecond.toFixed(0).padStart(14)} ${(r.perCpuSecond / nginx.perCpuSecond).toFixed(2).padStart(8)}x` +
        ` ${String(r.errors).padStart(7)}`,
    );
  }
  for (const peer of rows.filter((r) => r !== ours)) {
    console.log(`portier / ${peer.name} per CPU-second: ${(ours.perCpuSecond / peer.perCpuSecond).toFixed(2)}x`);
  }
}

function save(results: ProxyResults): void {
  const resultsDir = resolve(import.meta.dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'proxy.json'), JSON.stringify(results, null, 2));
}

await main();
