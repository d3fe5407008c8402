import type { StaticConfig } from '../config/static/types.js';
import type { RequestContext } from '../runtime/context.js';
import { commonFormatter } from './access-log-common.js';
import { FieldFilter } from './access-log-fields.js';
import { lineFilter } from './access-log-filters.js';
import { jsonFormatter } from './access-log-json.js';
import { createLineWriter } from './access-log-writer.js';

export interface AccessLog {
  /** Records one finished request: `bytesSent` counts its body, `durationNs` all of it. */
  write(ctx: RequestContext, status: number, bytesSent: number, durationNs: number): void;
  /** Reopens the file, after logrotate moved it (SIGUSR1, as in Traefik). */
  reopen(): void;
  /** Writes out what is buffered and closes the file. */
  close(): Promise<void>;
}

/**
 * The access log: one line per request in Traefik's JSON field names or in Common Log Format
 * (with Traefik's extra columns), to stdout or a file, for the requests `filters` let through.
 * Finished requests are gathered and formatted in batches straight into bytes, then written
 * synchronously to the page cache (see access-log-writer.ts and docs/observability.md, "What it
 * costs").
 */
export function createAccessLog(config: StaticConfig['accessLog'], baseDir = process.cwd()): AccessLog | undefined {
  if (!config) return undefined;
  const keep = lineFilter(config.filters);
  const fields = new FieldFilter(config.fields);
  const format = config.format === 'json' ? jsonFormatter(fields) : commonFormatter(fields);
  const writer = createLineWriter(config.filePath, baseDir, format, config.bufferingSize);
  let requestCount = 0;
  return {
    write(ctx, status, bytesSent, durationNs) {
      // Counted before filtering, as in Traefik: the count is of requests, not of lines.
      const count = ++requestCount;
      if (keep && !keep(status, ctx.retryAttempts ?? 0, durationNs)) return;
      writer.add({ ctx, status, bytesSent, durationNs, count, now: Date.now() });
    },
    reopen: () => writer.reopen(),
    close: () => writer.close(),
  };
}
