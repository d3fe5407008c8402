import { execFileSync } from 'node:child_process';

export interface H2loadResult {
  requestsPerSecond: number;
  succeeded: number;
  failed: number;
}

/**
 * Runs h2load (pinned to `cpu`) against `url`, connecting to `connectTo` instead of the URL's
 * host, so that SNI and `:authority` carry the name while the traffic stays on loopback.
 */
export function runH2load(
  url: string,
  options: { connectTo: string; seconds: number; warmUpSeconds: number; clients: number; streams: number; cpu: string },
): H2loadResult {
  const output = execFileSync(
    'taskset',
    [
      ...['-c', options.cpu, 'h2load', '-t1', `-c${options.clients}`, `-m${options.streams}`],
      ...[`-D${options.seconds}`, `--warm-up-time=${options.warmUpSeconds}`, `--connect-to=${options.connectTo}`, url],
    ],
    // A stalled proxy must fail the bench, not hang it.
    { encoding: 'utf8', timeout: (options.seconds + options.warmUpSeconds + 30) * 1000 },
  );
  const counts =
    /requests: \d+ total, \d+ started, \d+ done, \d+ succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(
      output,
    );
  const statuses = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(output);
  if (!counts || !statuses) throw new Error(`unexpected h2load output:\n${output}`);
  const sum = (values: string[]) => values.reduce((total, value) => total + Number(value), 0);
  return {
    requestsPerSecond: Number(/finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(output)?.[1] ?? NaN),
    succeeded: Number(statuses[1]),
    failed: sum(counts.slice(1)) + sum(statuses.slice(2)),
  };
}
