/**
 * What the access log costs the proxy, in CPU time per request. Wall-clock throughput on this
 * shared machine swings by ±8%, more than the cost being measured, so each Portier variant runs
 * side by side, gets the same fixed number of requests (h2load) in alternating rounds, and is
 * charged the CPU time its threads used (/proc/<pid>/task/<tid>/schedstat, in nanoseconds).
 * The cost is the share of requests per CPU-second lost against the plain proxy (1 − plain/variant),
 * from the median over rounds of each variant's CPU time per request.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nginxUpstream } from './lib/peers.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const UPSTREAM_PORT = 18_920;
/** Another checkout's entry point can be measured with BENCH_PORTIER_MAIN (e.g. before and after a change). */
const MAIN = process.env.BENCH_PORTIER_MAIN ?? resolve(import.meta.dirname, '../src/cli/main.ts');

interface Variant {
  name: string;
  /** Static configuration added to the shared entry point and provider. */
  extra: (dir: string) => string;
}

const VARIANTS: Variant[] = [
  { name: 'plain', extra: () => '' },
  { name: 'json', extra: (dir) => `[accessLog]\nformat = "json"\nfilePath = "${dir}/json.log"\n` },
  { name: 'common', extra: (dir) => `[accessLog]\nformat = "common"\nfilePath = "${dir}/common.log"\n` },
];

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
  const config = join(dir, `${variant.name}.toml`);
  writeFileSync(
    config,
    `[entryPoints.web]\naddress = "127.0.0.1:${port}"\n[providers.file]\nfilename = "${dir}/dynamic.toml"\n` +
      `[log]\nlevel = "WARN"\n${variant.extra(dir)}`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '-c', config], {
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
    const running = [];
    for (const [i, variant] of VARIANTS.entries()) {
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
    const plain = median(running[0]!.perRequest);
    console.log(`\nAccess log cost: ${ROUNDS} rounds of ${REQUESTS} requests, h2load -c${CONNECTIONS}, 1 KiB answers`);
    console.log('variant   CPU µs/request (median)   all rounds                        cost');
    for (const run of running) {
      const mid = median(run.perRequest);
      console.log(
        `${run.variant.name.padEnd(9)} ${mid.toFixed(1).padStart(10)}               ` +
          `${run.perRequest
            .map((v) => v.toFixed(1))
            .join(' ')
            .padEnd(34)}` +
          `${((1 - plain / mid) * 100).toFixed(1).padStart(5)}%`,
      );
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((r) => child.once('exit', r))));
    upstream.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
