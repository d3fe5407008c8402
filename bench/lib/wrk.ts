import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
}

export interface WrkOptions {
  seconds: number;
  connections: number;
  host?: string;
  cpu: string;
}

/** Runs wrk (pinned to `cpu`) against a loopback URL and parses its --latency report. */
export function runWrk(url: string, options: WrkOptions): WrkResult {
  return parseWrk(
    execFileSync('taskset', wrkArguments(url, options), { encoding: 'utf8', timeout: timeoutMs(options) }),
  );
}

/** The same as runWrk without blocking, so that several wrk processes can load several proxies at once. */
export async function runWrkConcurrently(url: string, options: WrkOptions): Promise<WrkResult> {
  const { stdout } = await promisify(execFile)('taskset', wrkArguments(url, options), {
    encoding: 'utf8',
    timeout: timeoutMs(options),
  });
  return parseWrk(stdout);
}

// wrk stops by itself after `seconds`; the margin only turns a wedged wrk into an error instead of a hang.
function timeoutMs(options: WrkOptions): number {
  return (options.seconds + 30) * 1000;
}

function wrkArguments(url: string, options: WrkOptions): string[] {
  const args = ['-c', options.cpu, 'wrk', '-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency'];
  if (options.host) args.push('-H', `Host: ${options.host}`);
  return [...args, url];
}

function parseWrk(output: string): WrkResult {
  const latency = (label: string) => {
    const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(output);
    if (!match) return NaN;
    const value = Number(match[1]);
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
  };
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? NaN);
  const errorCounts = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const socketErrors = errorCounts ? errorCounts.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? NaN),
    p50Ms: latency('50'),
    p99Ms: latency('99'),
    requests,
    errors: socketErrors + non2xx,
  };
}
