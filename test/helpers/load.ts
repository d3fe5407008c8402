import { Agent } from 'node:http';
import { get } from './http.js';

export interface LoadResult {
  ok: number;
  failed: number;
  failures: string[];
}

/**
 * Keeps `concurrency` keep-alive clients busy against one URL until `stop` is called, counting
 * every request that did not answer with one of `okStatuses`. Bounded: it stops by itself after
 * `maxMs` so a failing test cannot leave load running.
 */
export function startLoad(
  url: string,
  options: { host: string; concurrency?: number; maxMs?: number; okStatuses?: number[] },
) {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency ?? 8 });
  const result: LoadResult = { ok: 0, failed: 0, failures: [] };
  const okStatuses = options.okStatuses ?? [200];
  let running = true;
  const deadline = setTimeout(() => (running = false), options.maxMs ?? 60_000);
  const worker = async () => {
    while (running) {
      try {
        const response = await get(url, { headers: { host: options.host }, agent });
        if (okStatuses.includes(response.status)) result.ok++;
        else {
          result.failed++;
          if (result.failures.length < 10) result.failures.push(`${response.status} ${response.body.slice(0, 100)}`);
        }
      } catch (error) {
        result.failed++;
        if (result.failures.length < 10) result.failures.push(String(error));
      }
    }
  };
  const workers = Array.from({ length: options.concurrency ?? 8 }, worker);
  return {
    result,
    stop: async (): Promise<LoadResult> => {
      running = false;
      clearTimeout(deadline);
      await Promise.all(workers);
      agent.destroy();
      return result;
    },
  };
}
