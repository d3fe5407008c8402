/**
 * Proxy throughput per CPU-second: Portier against nginx, HAProxy and Caddy, each with one worker
 * pinned to CPU 1, all forwarding to the same nginx upstream pinned to CPU 0 with wrk. Raw
 * requests/s swing with the noise of a shared machine; CPU time per request (from /proc) does not
 * nearly as much, so the ratios per CPU-second are the headline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuSecondsOfTree } from './lib/process-cpu.js';
import { BENCH_HOST, caddy, haproxy, nginxProxy, nginxUpstream, portier, type ProxyUnderTest } from './lib/peers.js';
import { runWrk } from './lib/wrk.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PROXY_CPU = '1';
const LOAD_CPU = '0';
const UPSTREAM_PORT = 18_900;
const BIN = resolve(import.meta.dirname, '../bin/portier.js');

function start(proxy: ProxyUnderTest, cpu: string): ChildProcess {
  const [command, ...args] = proxy.command;
  return spawn('taskset', ['-c', cpu, command!, ...args], {
    env: { ...process.env, ...proxy.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function answers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host: BENCH_HOST } }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.end();
  });
}

async function waitUntilServing(port: number, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await answers(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not start serving on port ${port}`);
}

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  perCpuSecond: number;
  errors: number;
}

async function measure(proxy: ProxyUnderTest, port: number): Promise<Row> {
  const child = start(proxy, PROXY_CPU);
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
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portier-bench-'));
  const upstream = start(nginxUpstream(dir, UPSTREAM_PORT), LOAD_CPU);
  try {
    await new Promise((r) => setTimeout(r, 300));
    const proxies = [
      nginxProxy(dir, 18_901, UPSTREAM_PORT),
      haproxy(dir, 18_902, UPSTREAM_PORT),
      caddy(dir, 18_903, UPSTREAM_PORT),
      portier(dir, 18_904, UPSTREAM_PORT, BIN),
      portier(dir, 18_905, UPSTREAM_PORT, BIN, true),
    ];
    const rows: Row[] = [];
    for (const [i, proxy] of proxies.entries()) rows.push(await measure(proxy, 18_901 + i));
    report(rows);
  } finally {
    upstream.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(rows: Row[]): void {
  const nginx = rows.find((r) => r.name === 'nginx')!;
  const ours = rows.find((r) => r.name === 'portier')!;
  const observed = rows.find((r) => r.name === 'portier+obs')!;
  console.log(`\nProxy benchmark: wrk -c${CONNECTIONS} for ${SECONDS}s, 1 KiB responses, proxy pinned to one CPU`);
  console.log('proxy        req/s    p50 ms  p99 ms  req per CPU-s  vs nginx  errors');
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(11)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(7)}` +
        ` ${r.perCpuSecond.toFixed(0).padStart(14)} ${(r.perCpuSecond / nginx.perCpuSecond).toFixed(2).padStart(8)}x` +
        ` ${String(r.errors).padStart(7)}`,
    );
  }
  for (const peer of rows.filter((r) => r !== ours && r !== observed)) {
    console.log(`portier / ${peer.name} per CPU-second: ${(ours.perCpuSecond / peer.perCpuSecond).toFixed(2)}x`);
  }
  const cost = 1 - observed.perCpuSecond / ours.perCpuSecond;
  console.log(`metrics + JSON access log cost: ${(cost * 100).toFixed(1)}% of Portier's requests per CPU-second`);
  const resultsDir = resolve(import.meta.dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'proxy.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
}

await main();
