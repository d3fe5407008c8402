/**
 * Functions benchmark, through the real `portier` (dist/), one CPU for Portier and its workers:
 * - cold start: deploy a new version then the first call; and a lazy load after idle unload;
 * - warm `sum` through functions@internal against a plain route to a Node server doing the sum
 *   (pinned to the same CPU), with wrk on the other CPU. Several rounds, in alternating order,
 *   because a shared machine makes any single run swing by ±20%: the spread is part of the result.
 * Per round: req/s at -c50 (ratio function / plain), p50 latency at -c1 (the overhead one call
 * pays, without queueing), and CPU time per request (Portier + its workers, or Portier + the plain
 * server), which other processes' load skews far less than req/s.
 * Usage: node --import tsx bench/functions.bench.ts
 *   env: BENCH_SECONDS (per wrk run, 3), BENCH_ROUNDS (5), BENCH_CONNECTIONS (50), BENCH_COLD (10),
 *   BENCH_PORTIER_BIN (another build of bin/portier.js, to compare builds).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, waitFor } from '../test/helpers/portier.js';
import { cpuSecondsOfTree } from './lib/process-cpu.js';
import { runWrk, type WrkResult } from './lib/wrk.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const COLD_RUNS = Number(process.env.BENCH_COLD ?? 10);
const SERVER_CPU = '1';
const LOAD_CPU = '0';
const BIN = process.env.BENCH_PORTIER_BIN ?? resolve(import.meta.dirname, '../bin/portier.js');
const SUM = (n: number) =>
  `// build ${n}\nexport const route = "/{a}/{b}";\nexport default (r: Request, ctx: any) => ({ result: Number(ctx.params.a) + Number(ctx.params.b) });`;
const PLAIN_SUM = `require('node:http').createServer((req, res) => {
  const [, a, b] = req.url.split('/');
  const body = JSON.stringify({ result: Number(a) + Number(b) });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');`;

function pinned(command: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn('taskset', ['-c', SERVER_CPU, ...command], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const p50 = (values: number[]) => sorted(values)[Math.floor(values.length / 2)] ?? NaN;
const fmt = (ms: number) => ms.toFixed(Math.abs(ms) < 1 ? 3 : 1);
/** "p50 [min – max]", the way every figure of this bench is reported. */
function spread(values: number[], format: (n: number) => string = fmt): string {
  const s = sorted(values);
  return `${format(p50(s))} [${format(s[0] ?? NaN)} – ${format(s.at(-1) ?? NaN)}]`;
}

interface Measured {
  wrk: WrkResult;
  /** CPU microseconds per request of the processes serving the route. */
  cpuUs: number;
}

interface Round {
  plain: Measured;
  fn: Measured;
  plainLatency: WrkResult;
  fnLatency: WrkResult;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portier-functions-bench-'));
  const [web, api, upstream] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'portier.yml'),
    `entryPoints:\n  web: { address: "127.0.0.1:${web}" }\n  traefik: { address: "127.0.0.1:${api}" }\n` +
      `api: { insecure: true, dashboard: false }\nproviders:\n  file: { filename: dynamic.yml }\n` +
      `functions:\n  store: { directory: store }\n  concurrency: 1024\n  idleUnload: 1s\n`,
  );
  writeFileSync(
    join(dir, 'dynamic.yml'),
    `http:\n  routers:\n    fn: { rule: "PathPrefix(\`/api\`)", middlewares: [strip-api], service: functions@internal }\n` +
      `    plain: { rule: "PathPrefix(\`/plain\`)", middlewares: [strip-plain], service: plain }\n` +
      `  middlewares:\n    strip-api: { stripPrefix: { prefixes: [/api] } }\n    strip-plain: { stripPrefix: { prefixes: [/plain] } }\n` +
      `  services:\n    plain: { loadBalancer: { servers: [{ url: "http://127.0.0.1:${upstream}" }] } }\n`,
  );
  const plain = pinned([process.execPath, '-e', PLAIN_SUM], { PORT: String(upstream) });
  const portier = pinned([process.execPath, BIN, '-c', join(dir, 'portier.yml')], { PORTIER_LOG_LEVEL: 'warn' });
  const apiUrl = `http://127.0.0.1:${api}/api/functions`;
  try {
    await waitFor(async () => (await fetch(apiUrl)).ok, 20_000, 'portier');
    const deploys: number[] = [];
    const compiles: number[] = [];
    const loads: number[] = [];
    const firstCalls: number[] = [];
    const lazyCalls: number[] = [];
    for (let n = 0; n < COLD_RUNS; n++) {
      // Deploys come at human pace: give the spare worker used by the last cold call time to restart.
      await new Promise((r) => setTimeout(r, 500));
      const [res, deployMs] = await timed(() => fetch(`${apiUrl}/sum`, { method: 'PUT', body: SUM(n) }));
      if (res.status !== 201) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
      const deployed = (await res.json()) as { compileMs: number; initMs: number };
      compiles.push(deployed.compileMs);
      loads.push(deployed.initMs);
      const [, firstMs] = await timed(() => fetch(`http://127.0.0.1:${web}/api/sum/1/3`).then((r) => r.text()));
      await waitFor(
        async () => ((await (await fetch(`${apiUrl}/sum`)).json()) as { loaded: boolean }).loaded === false,
        5000,
        'idle unload',
      );
      await new Promise((r) => setTimeout(r, 200));
      const [, lazyMs] = await timed(() => fetch(`http://127.0.0.1:${web}/api/sum/1/3`).then((r) => r.text()));
      deploys.push(deployMs);
      firstCalls.push(firstMs);
      lazyCalls.push(lazyMs);
    }
    const logs = (await (await fetch(`${apiUrl}/sum/logs`)).json()) as {
      invocations: { cold: boolean; initMs: number }[];
    };
    const initMs = logs.invocations.filter((r) => r.cold).map((r) => r.initMs);

    const url = (path: string) => `http://127.0.0.1:${web}${path}`;
    const servers = { plain: [portier, plain], fn: [portier] };
    const load = (path: string, pids: ChildProcess[]): Measured => {
      const cpu = () => pids.reduce((sum, child) => sum + cpuSecondsOfTree(child.pid ?? 0), 0);
      const before = cpu();
      const wrk = runWrk(url(path), { seconds: SECONDS, connections: CONNECTIONS, cpu: LOAD_CPU });
      return { wrk, cpuUs: ((cpu() - before) * 1e6) / Math.max(1, wrk.requests) };
    };
    const latency = (path: string) => runWrk(url(path), { seconds: SECONDS, connections: 1, cpu: LOAD_CPU });
    // Warm-up: JIT, connection pools, the function's worker.
    for (const path of ['/plain/1/3', '/api/sum/1/3'])
      runWrk(url(path), { seconds: 2, connections: 50, cpu: LOAD_CPU });
    const rounds: Round[] = [];
    for (let n = 0; n < ROUNDS; n++) {
      // Alternating the order cancels a drift in the machine's other load between the two runs.
      const fnFirst = n % 2 === 1;
      const throughput = inOrder(
        fnFirst,
        () => load('/plain/1/3', servers.plain),
        () => load('/api/sum/1/3', servers.fn),
      );
      const latencies = inOrder(
        fnFirst,
        () => latency('/plain/1/3'),
        () => latency('/api/sum/1/3'),
      );
      rounds.push({ ...throughput, plainLatency: latencies.plain, fnLatency: latencies.fn });
    }

    console.log(`\nFunctions benchmark (Portier and its workers pinned to CPU ${SERVER_CPU}, wrk on CPU ${LOAD_CPU})`);
    console.log(`cold start, ${COLD_RUNS} runs, ms as p50 [min – max] (AWS Lambda Node 20 init ~240 ms):`);
    console.log(
      `  deploy (compile + store + load)    ${spread(deploys)}   (compile ${fmt(p50(compiles))}, load ${fmt(p50(loads))})`,
    );
    console.log(`  first call after deploy            ${spread(firstCalls)}`);
    console.log(`  lazy first call after idle unload  ${spread(lazyCalls)}   (init inside: ${fmt(p50(initMs))})`);
    console.log(`warm sum, ${ROUNDS} rounds of wrk ${SECONDS}s: -c${CONNECTIONS} for req/s, -c1 for latency`);
    console.log('  round  plain req/s  fn req/s  ratio   plain p50  fn p50  overhead   CPU µs/req plain  fn');
    rounds.forEach((r, n) => {
      console.log(
        `  ${String(n + 1).padStart(5)}  ${r.plain.wrk.requestsPerSecond.toFixed(0).padStart(11)}  ` +
          `${r.fn.wrk.requestsPerSecond.toFixed(0).padStart(8)}  ${ratio(r).toFixed(2).padStart(5)}  ` +
          `${fmt(r.plainLatency.p50Ms).padStart(9)}  ${fmt(r.fnLatency.p50Ms).padStart(6)}  ${fmt(overhead(r)).padStart(8)}` +
          `   ${r.plain.cpuUs.toFixed(0).padStart(16)}  ${r.fn.cpuUs.toFixed(0).padStart(3)}`,
      );
    });
    const errors = rounds.reduce(
      (sum, r) => sum + r.plain.wrk.errors + r.fn.wrk.errors + r.plainLatency.errors + r.fnLatency.errors,
      0,
    );
    console.log(`  function / plain req/s:    ${spread(rounds.map(ratio), (x) => `${x.toFixed(2)}x`)}`);
    console.log(`  warm p50 overhead (-c1):   ${spread(rounds.map(overhead))} ms`);
    console.log(
      `  CPU per request:           function ${spread(
        rounds.map((r) => r.fn.cpuUs),
        (x) => x.toFixed(0),
      )} µs, plain ${spread(
        rounds.map((r) => r.plain.cpuUs),
        (x) => x.toFixed(0),
      )} µs`,
    );
    console.log(`  errors: ${errors}`);
  } finally {
    portier.kill('SIGTERM');
    plain.kill('SIGTERM');
    await Promise.all(
      [portier, plain].map((c) => new Promise((r) => (c.exitCode === null ? c.once('exit', r) : r(null)))),
    );
    rmSync(dir, { recursive: true, force: true });
  }
}

function inOrder<T>(fnFirst: boolean, plain: () => T, fn: () => T): { plain: T; fn: T } {
  if (!fnFirst) {
    const plainResult = plain();
    return { plain: plainResult, fn: fn() };
  }
  const fnResult = fn();
  return { plain: plain(), fn: fnResult };
}

const ratio = (r: Round) => r.fn.wrk.requestsPerSecond / r.plain.wrk.requestsPerSecond;
const overhead = (r: Round) => r.fnLatency.p50Ms - r.plainLatency.p50Ms;

await main();
