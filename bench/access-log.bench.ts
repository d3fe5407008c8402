/**
 * What the access log costs the proxy, in CPU time per request. Wall-clock throughput on this
 * shared machine swings by ±8%, more than the cost being measured, so each Portier variant runs
 * side by side, gets the same fixed number of requests (h2load) in alternating rounds, and is
 * charged the CPU time its threads used (/proc/<pid>/task/<tid>/schedstat, in nanoseconds).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nginxUpstream } from './lib/peers.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const UPSTREAM_PORT = 18_920;

/**
 * The checkouts measured: this one, and with BENCH_COMPARE_MAIN another checkout's
 * `src/cli/main.ts` (before a change, say) in the same rounds, so both see the same machine.
 */
const CHECKOUTS = [
  { label: '', main: resolve(import.meta.dirname, '../src/cli/main.ts') },
  ...(process.env.BENCH_COMPARE_MAIN ? [{ label: ' (compare)', main: process.env.BENCH_COMPARE_MAIN }] : []),
];

interface Variant {
  name: string;
  main: string;
  /** Static configuration added to the shared entry point and provider. */
  extra: string;
}

const VARIANTS_PER_CHECKOUT = 3;

function variantsOf(checkout: (typeof CHECKOUTS)[number], index: number, dir: string): Variant[] {
  const log = (format: string) => `[accessLog]\nformat = "${format}"\nfilePath = "${dir}/${format}-${index}.log"\n`;
  return [
    { name: `plain${checkout.label}`, main: checkout.main, extra: '' },
    { name: `json${checkout.label}`, main: checkout.main, extra: log('json') },
    { name: `common${checkout.label}`, main: checkout.main, extra: log('common') },
  ];
}

/** CPU time used so far by every thread of a process, in nanoseconds. */
function cpuNanoseconds(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  }
  return total;
}

function load(port: number, requests: number, connections = CONNECTIONS): void {
  const output = execFileSync(
    'h2load',
    ['--h1', '-t1', `-c${connections}`, `-n${requests}`, `http://127.0.0.1:${port}/`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const succeeded = Number(/(\d+) succeeded/.exec(output)?.[1]);
  if (succeeded !== requests) throw new Error(`only ${succeeded} of ${requests} requests succeeded:\n${output}`);
}

async function startPortier(dir: string, variant: Variant, port: number): Promise<ChildProcess> {
  const config = join(dir, `${port}.toml`);
  writeFileSync(
    config,
    `[entryPoints.web]\naddress = "127.0.0.1:${port}"\n[providers.file]\nfilename = "${dir}/dynamic.toml"\n` +
      `[log]\nlevel = "WARN"\n${variant.extra}`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', variant.main, '-c', config], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    try {
      load(port, 1, 1);
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill();
  throw new Error(`${variant.name} did not start serving on port ${port}`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Each round measures every variant within seconds, so a variant's CPU per request is divided by
 * the plain proxy's of the same round: the machine's load drifts over minutes, and pairing cancels
 * most of it. The cost is 1 − 1/ratio: the share of requests per CPU-second lost.
 */
function report(rows: { name: string; perRequest: number[]; plain: number[] }[]): void {
  console.log(`\nAccess log cost: ${ROUNDS} rounds of ${REQUESTS} requests, h2load -c${CONNECTIONS}, 1 KiB answers`);
  console.log('variant              CPU µs/request (median)   cost (median of rounds)   cost per round');
  for (const row of rows) {
    const costs = row.perRequest.map((value, round) => (1 - row.plain[round]! / value) * 100);
    console.log(
      `${row.name.padEnd(20)} ${median(row.perRequest).toFixed(1).padStart(10)}` +
        `${median(costs).toFixed(1).padStart(25)}%   ${costs.map((cost) => cost.toFixed(0)).join(' ')}`,
    );
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portier-bench-log-'));
  writeFileSync(
    join(dir, 'dynamic.toml'),
    `[http.routers.bench]\nrule = "PathPrefix(\`/\`)"\nservice = "up"\n` +
      `[[http.services.up.loadBalancer.servers]]\nurl = "http://127.0.0.1:${UPSTREAM_PORT}"\n`,
  );
  const upstreamSpec = nginxUpstream(dir, UPSTREAM_PORT);
  const upstream = spawn(upstreamSpec.command[0]!, upstreamSpec.command.slice(1), { stdio: 'ignore' });
  const children: ChildProcess[] = [];
  try {
    const running: { variant: Variant; port: number; pid: number; perRequest: number[] }[] = [];
    const variants = CHECKOUTS.flatMap((checkout, index) => variantsOf(checkout, index, dir));
    for (const [i, variant] of variants.entries()) {
      const port = UPSTREAM_PORT + 1 + i;
      const child = await startPortier(dir, variant, port);
      children.push(child);
      load(port, REQUESTS / 2);
      running.push({ variant, port, pid: child.pid!, perRequest: [] as number[] });
    }
    for (let round = 0; round < ROUNDS; round++) {
      // Rotating the order spreads any drift of the machine's load over all variants.
      for (let k = 0; k < running.length; k++) {
        const run = running[(round + k) % running.length]!;
        const before = cpuNanoseconds(run.pid);
        load(run.port, REQUESTS);
        run.perRequest.push((cpuNanoseconds(run.pid) - before) / REQUESTS / 1000);
      }
    }
    // Each checkout's variants are compared with its own plain proxy, the first of its three.
    report(
      running.map((run, i) => ({
        name: run.variant.name,
        perRequest: run.perRequest,
        plain: running[i - (i % VARIANTS_PER_CHECKOUT)]!.perRequest,
      })),
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((r) => child.once('exit', r))));
    upstream.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
