/**
 * The function runner alone, without HTTP: CPU time per warm call of `sum` through the worker
 * thread runner (the proxy thread and the worker together), at 1, 8 and 50 calls in flight.
 * CPU time, unlike latency or req/s, hardly moves with other processes' load, so this is the
 * number to watch when changing the worker protocol. Pinned to one CPU, as in production one
 * core serves the proxy and its workers.
 * Usage: taskset -c 1 node --import tsx bench/functions-runner.bench.ts   (BENCH_ROUNDS, default 3)
 */
import { compileFunction } from '../src/functions/compiler.js';
import type { FunctionSpec, InvocationCall } from '../src/functions/runner.js';
import { ThreadRunner } from '../src/functions/thread-runner.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = [1, 8, 50];
const CALLS = 10_000;
const SUM =
  'export const route = "/{a}/{b}";\nexport default (r: Request, ctx: any) => ({ result: Number(ctx.params.a) + Number(ctx.params.b) });';

/** What a proxied request carries on its way to a function. */
const HEADERS: [string, string][] = [
  ['host', '127.0.0.1:8000'],
  ['user-agent', 'wrk'],
  ['accept', '*/*'],
  ['x-forwarded-for', '127.0.0.1'],
  ['x-forwarded-host', '127.0.0.1:8000'],
  ['x-forwarded-port', '8000'],
  ['x-forwarded-proto', 'http'],
  ['x-real-ip', '127.0.0.1'],
];

const code = await compileFunction(SUM, 'sum.ts');
const spec: FunctionSpec = {
  name: 'sum',
  version: 'bench',
  env: {},
  code: () => Promise.resolve(code),
  limits: { timeoutMs: 10_000, loadTimeoutMs: 10_000, memoryLimitMb: 128, concurrency: 1000, maxBodyBytes: 1 << 20 },
};
const call = (): InvocationCall => ({
  method: 'GET',
  url: 'http://127.0.0.1:8000/sum/1/3',
  routePath: '/1/3',
  headers: HEADERS,
  body: null,
  requestId: 'bench',
});

const runner = new ThreadRunner({ defaultMemoryLimitMb: 128 });
await runner.preload(spec);

/** CPU µs per call for `total` calls with `inFlight` at a time. */
async function measure(total: number, inFlight: number): Promise<number> {
  let issued = 0;
  const client = async () => {
    while (issued < total) {
      issued++;
      const result = await runner.invoke(spec, call());
      if (result.status !== 200) throw new Error(`sum answered ${result.status}: ${result.error ?? ''}`);
    }
  };
  const cpuBefore = process.cpuUsage();
  await Promise.all(Array.from({ length: inFlight }, client));
  const cpu = process.cpuUsage(cpuBefore);
  return (cpu.user + cpu.system) / total;
}

await measure(CALLS / 2, 8);
const results = new Map<number, number[]>(CONCURRENCY.map((c) => [c, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const inFlight of CONCURRENCY) results.get(inFlight)?.push(await measure(CALLS, inFlight));
}
await runner.close();

console.log(`\nFunction runner, warm sum, CPU µs per call (proxy thread + worker), ${ROUNDS} rounds: p50 [min – max]`);
for (const [inFlight, values] of results) {
  const sorted = [...values].sort((a, b) => a - b);
  const p50 = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  console.log(
    `  ${String(inFlight).padStart(2)} in flight   ${p50.toFixed(1)} [${sorted[0]?.toFixed(1)} – ${sorted.at(-1)?.toFixed(1)}]`,
  );
}
