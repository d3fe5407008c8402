/**
 * Functions benchmark, through the real `portier` (dist/), one CPU for Portier and its workers:
 * - cold start: deploy a new version then the first call; and a lazy load after idle unload;
 * - warm `sum` through functions@internal against a plain route to a Node server doing the sum
 *   (pinned to the same CPU), with wrk on the other CPU.
 * Usage: node --import tsx bench/functions.bench.ts   (BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_COLD)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, waitFor } from '../test/helpers/portier.js';
import { runWrk, type WrkResult } from './lib/wrk.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const COLD_RUNS = Number(process.env.BENCH_COLD ?? 10);
const SERVER_CPU = '1';
const LOAD_CPU = '0';
const BIN = resolve(import.meta.dirname, '../bin/portier.js');
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

const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const fmt = (ms: number) => ms.toFixed(ms < 1 ? 3 : 1);

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

    const wrk = (path: string): WrkResult => {
      const url = `http://127.0.0.1:${web}${path}`;
      runWrk(url, { seconds: 2, connections: CONNECTIONS, cpu: LOAD_CPU });
      return runWrk(url, { seconds: SECONDS, connections: CONNECTIONS, cpu: LOAD_CPU });
    };
    const viaPlain = wrk('/plain/1/3');
    const viaFunction = wrk('/api/sum/1/3');

    console.log(`\nFunctions benchmark (Portier and its workers pinned to CPU ${SERVER_CPU}, wrk on CPU ${LOAD_CPU})`);
    console.log(`cold start, ${COLD_RUNS} runs, p50 ms (AWS Lambda Node 20 init ~240 ms):`);
    console.log(
      `  deploy (compile + store + load)         ${fmt(p50(deploys))}   (compile ${fmt(p50(compiles))}, load ${fmt(p50(loads))})`,
    );
    console.log(`  first call after deploy                 ${fmt(p50(firstCalls))}`);
    console.log(
      `  lazy first call after idle unload       ${fmt(p50(lazyCalls))}   (init inside: ${fmt(p50(initMs))})`,
    );
    console.log(`warm sum, wrk -c${CONNECTIONS} ${SECONDS}s:`);
    console.log('  route              req/s    p50 ms  p99 ms  errors');
    for (const [name, r] of [
      ['plain upstream', viaPlain],
      ['functions@internal', viaFunction],
    ] as const) {
      console.log(
        `  ${name.padEnd(18)} ${r.requestsPerSecond.toFixed(0).padStart(7)}  ${fmt(r.p50Ms).padStart(6)}  ${fmt(r.p99Ms).padStart(6)}  ${r.errors}`,
      );
    }
    console.log(
      `  function vs plain: ${(viaFunction.requestsPerSecond / viaPlain.requestsPerSecond).toFixed(2)}x req/s, ` +
        `p50 overhead ${fmt(viaFunction.p50Ms - viaPlain.p50Ms)} ms`,
    );
  } finally {
    portier.kill('SIGTERM');
    plain.kill('SIGTERM');
    await Promise.all(
      [portier, plain].map((c) => new Promise((r) => (c.exitCode === null ? c.once('exit', r) : r(null)))),
    );
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
