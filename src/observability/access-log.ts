import { resolve } from 'node:path';
import { pino } from 'pino';
import type { StaticConfig } from '../config/static/types.js';
import type { RequestContext } from '../runtime/context.js';
import { canonicalHeaderName, FieldFilter } from './access-log-fields.js';

/** One finished request, as the access log records it. */
export interface AccessLogRecord {
  ctx: RequestContext;
  status: number;
  bytesSent: number;
  durationNs: bigint;
}

export interface AccessLog {
  write(record: AccessLogRecord): void;
  /** Writes out what is buffered and closes the file. */
  close(): Promise<void>;
}

/** Buffered lines are written at least this often, so a quiet proxy's log is never stale for long. */
const FLUSH_INTERVAL_MS = 1000;

/**
 * The access log: one line per request in Traefik's JSON field names or in Common Log Format
 * (with Traefik's extra columns), to stdout or a file. Writes are asynchronous; with
 * `bufferingSize` lines are gathered in memory and written in batches.
 */
export function createAccessLog(config: StaticConfig['accessLog'], baseDir = process.cwd()): AccessLog | undefined {
  if (!config) return undefined;
  const buffered = (config.bufferingSize ?? 0) > 0;
  const destination = pino.destination({
    dest: config.filePath ? resolve(baseDir, config.filePath) : 1,
    sync: false,
    mkdir: true,
    // Roughly `bufferingSize` lines of a couple hundred bytes each.
    minLength: buffered ? Math.min(64 * 1024, (config.bufferingSize ?? 0) * 256) : 0,
  });
  const flusher = buffered ? setInterval(() => destination.flush(), FLUSH_INTERVAL_MS).unref() : undefined;
  const filter = new FieldFilter(config.fields);
  const format = config.format === 'json' ? formatJson : formatCommon;
  let requestCount = 0;
  return {
    write(record) {
      destination.write(format(record, ++requestCount, filter));
    },
    close() {
      clearInterval(flusher);
      return new Promise((done) => {
        destination.once('close', () => done());
        destination.once('error', () => done());
        destination.flush();
        destination.end();
      });
    },
  };
}

function formatJson(record: AccessLogRecord, requestCount: number, filter: FieldFilter): string {
  const { ctx, status, bytesSent, durationNs } = record;
  const { req, res } = ctx;
  const start = new Date(Date.now() - Number(durationNs / 1_000_000n));
  const socket = req.socket;
  const upstream = ctx.upstreamUrl ? safeUrl(ctx.upstreamUrl) : undefined;
  const fields: Record<string, unknown> = {
    StartUTC: start.toISOString(),
    Duration: Number(durationNs),
    ClientAddr: `${ctx.clientIp}:${socket.remotePort ?? 0}`,
    ClientHost: ctx.clientIp,
    ClientPort: String(socket.remotePort ?? ''),
    ClientUsername: ctx.consumer ?? '-',
    Consumer: ctx.consumer,
    RequestMethod: req.method,
    RequestPath: req.url,
    RequestProtocol: `HTTP/${req.httpVersion}`,
    RequestHost: ctx.host,
    RequestAddr: req.headers.host,
    RequestPort: String(ctx.localPort),
    RequestScheme: ctx.scheme,
    RequestContentSize: Number(req.headers['content-length'] ?? 0) || 0,
    RequestCount: requestCount,
    RouterName: ctx.routerName,
    ServiceName: ctx.serviceName,
    ServiceURL: ctx.upstreamUrl,
    ServiceAddr: upstream?.host,
    DownstreamStatus: status,
    DownstreamContentSize: bytesSent,
    entryPointName: ctx.entryPoint,
  };
  const line: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && filter.keeps(name)) line[name] = value;
  }
  if (filter.anyHeader) {
    const raw = req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const value = filter.header(raw[i]!, raw[i + 1]!);
      if (value !== undefined) line[`request_${canonicalHeaderName(raw[i]!.toLowerCase())}`] = value;
    }
    for (const [name, value] of Object.entries(res.getHeaders())) {
      const logged = value === undefined ? undefined : filter.header(name, String(value));
      if (logged !== undefined) line[`downstream_${canonicalHeaderName(name)}`] = logged;
    }
  }
  line.level = 'info';
  line.msg = '';
  line.time = new Date().toISOString();
  return JSON.stringify(line) + '\n';
}

/**
 * `host - user [time] "METHOD path proto" status size "referer" "agent" count "router" "server" Nms`,
 * as Traefik writes it. Dropped fields print as `-`.
 */
function formatCommon(record: AccessLogRecord, requestCount: number, filter: FieldFilter): string {
  const { ctx, status, bytesSent, durationNs } = record;
  const { req } = ctx;
  const pick = (field: string, value: string | number | undefined) =>
    filter.keeps(field) && value !== undefined && value !== '' ? String(value) : '-';
  const header = (name: string) => {
    const value = req.headers[name];
    return value === undefined ? '-' : (filter.header(name, String(value)) ?? '-');
  };
  const start = new Date(Date.now() - Number(durationNs / 1_000_000n));
  return (
    `${pick('ClientHost', ctx.clientIp)} - ${pick('ClientUsername', ctx.consumer)} ` +
    `[${pick('StartLocal', clfTime(start))}] ` +
    `"${pick('RequestMethod', req.method)} ${pick('RequestPath', req.url)} ${pick('RequestProtocol', `HTTP/${req.httpVersion}`)}" ` +
    `${pick('DownstreamStatus', status)} ${pick('DownstreamContentSize', bytesSent)} ` +
    `"${header('referer')}" "${header('user-agent')}" ${pick('RequestCount', requestCount)} ` +
    `"${pick('RouterName', ctx.routerName)}" "${pick('ServiceURL', ctx.upstreamUrl)}" ` +
    `${Number(durationNs / 1_000_000n)}ms\n`
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `02/Jan/2006:15:04:05 -0700` in local time. */
export function clfTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  return (
    `${pad(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}:` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}`
  );
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
