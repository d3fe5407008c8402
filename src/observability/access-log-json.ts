import type { RequestContext } from '../runtime/context.js';
import { canonicalHeaderName, type FieldFilter } from './access-log-fields.js';
import { isoTime } from './access-log-time.js';
import type { FinishedRequest, LineFormatter } from './access-log-format.js';

/**
 * Traefik's JSON access-log line, written by hand: every request pays for it, and building an
 * object for JSON.stringify cost three times as much. Dropped fields are never computed. Values
 * that repeat across requests (client address per connection, router, service, upstream, entry
 * point) are kept as ready-made JSON text, so most of a line is copied rather than escaped.
 */
export function jsonFormatter(fields: FieldFilter): LineFormatter {
  const keeps = (name: string) => fields.keeps(name);
  const startUtc = keeps('StartUTC');
  const duration = keeps('Duration');
  const clientUsername = keeps('ClientUsername');
  const consumer = keeps('Consumer');
  const method = keeps('RequestMethod');
  const path = keeps('RequestPath');
  const protocol = keeps('RequestProtocol');
  const host = keeps('RequestHost');
  const addr = keeps('RequestAddr');
  const port = keeps('RequestPort');
  const scheme = keeps('RequestScheme');
  const contentSize = keeps('RequestContentSize');
  const count = keeps('RequestCount');
  const retries = keeps('RetryAttempts');
  const status = keeps('DownstreamStatus');
  const size = keeps('DownstreamContentSize');
  const anyHeader = fields.anyHeader;
  const client = clientText(fields);
  const router = new TextCache((name) => member(fields, 'RouterName', name));
  const service = new TextCache((name) => member(fields, 'ServiceName', name));
  const upstream = new TextCache(
    (url) => member(fields, 'ServiceURL', url) + member(fields, 'ServiceAddr', hostOf(url)),
  );
  const entryPoint = new TextCache((name) => member(fields, 'entryPointName', name));
  const invocation = invocationText(fields);

  return (line: FinishedRequest): string => {
    const { ctx } = line;
    const { req } = ctx;
    let out = `{"level":"info","msg":"","time":"${isoTime(line.now)}"`;
    if (startUtc) out += `,"StartUTC":"${isoTime(line.now - Math.round(line.durationNs / 1e6))}"`;
    if (duration) out += `,"Duration":${line.durationNs}`;
    out += client(ctx);
    if (clientUsername) out += `,"ClientUsername":${ctx.consumer === undefined ? '"-"' : jsonString(ctx.consumer)}`;
    if (consumer && ctx.consumer !== undefined) out += `,"Consumer":${jsonString(ctx.consumer)}`;
    if (method) out += `,"RequestMethod":${jsonString(req.method ?? '')}`;
    if (path) out += `,"RequestPath":${jsonString(req.url ?? '')}`;
    if (protocol) out += `,"RequestProtocol":${PROTOCOLS[req.httpVersion] ?? jsonString(`HTTP/${req.httpVersion}`)}`;
    if (host) out += `,"RequestHost":${jsonString(ctx.host)}`;
    if (addr && req.headers.host !== undefined) out += `,"RequestAddr":${jsonString(req.headers.host)}`;
    if (port) out += `,"RequestPort":"${ctx.localPort}"`;
    if (scheme) out += `,"RequestScheme":"${ctx.scheme}"`;
    if (contentSize) out += `,"RequestContentSize":${Number(req.headers['content-length'] ?? 0) || 0}`;
    if (count) out += `,"RequestCount":${line.count}`;
    if (retries) out += `,"RetryAttempts":${ctx.retryAttempts ?? 0}`;
    if (ctx.routerName !== undefined) out += router.get(ctx.routerName);
    if (ctx.serviceName !== undefined) out += service.get(ctx.serviceName);
    if (ctx.upstreamUrl !== undefined) out += upstream.get(ctx.upstreamUrl);
    if (status) out += `,"DownstreamStatus":${line.status}`;
    if (size) out += `,"DownstreamContentSize":${line.bytesSent}`;
    if (ctx.invocation !== undefined) out += invocation(ctx.invocation);
    out += entryPoint.get(ctx.entryPoint);
    if (anyHeader) out += headerMembers(ctx, fields);
    return out + '}\n';
  };
}

const PROTOCOLS: Record<string, string> = { '1.0': '"HTTP/1.0"', '1.1': '"HTTP/1.1"', '2.0': '"HTTP/2.0"' };

// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON must escape
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029]/;

/** Most values (names, addresses, paths) need no escaping; JSON.stringify only those that do. */
function jsonString(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** `,"Name":"value"`, or nothing when the field is dropped or the value empty. */
function member(fields: FieldFilter, name: string, value: string | undefined): string {
  return fields.keeps(name) && value ? `,"${name}":${jsonString(value)}` : '';
}

/** JSON text per key, computed once; bounded, since keys come from configuration, not requests. */
class TextCache {
  private readonly texts = new Map<string, string>();

  constructor(private readonly compute: (key: string) => string) {}

  get(key: string): string {
    let text = this.texts.get(key);
    if (text === undefined) {
      text = this.compute(key);
      if (this.texts.size >= 10_000) this.texts.clear();
      this.texts.set(key, text);
    }
    return text;
  }
}

/** `ClientAddr`, `ClientHost` and `ClientPort`, the same for every request on a connection. */
function clientText(fields: FieldFilter): (ctx: RequestContext) => string {
  const addr = fields.keeps('ClientAddr');
  const host = fields.keeps('ClientHost');
  const port = fields.keeps('ClientPort');
  if (!addr && !host && !port) return () => '';
  const compute = (ctx: RequestContext): string => {
    const remotePort = ctx.req.socket.remotePort;
    let text = '';
    if (addr) text += `,"ClientAddr":${jsonString(`${ctx.clientIp}:${remotePort ?? 0}`)}`;
    if (host) text += `,"ClientHost":${jsonString(ctx.clientIp)}`;
    if (port) text += `,"ClientPort":"${remotePort ?? ''}"`;
    return text;
  };
  const perConnection = new WeakMap<object, string>();
  return (ctx) => {
    // HTTP/2 requests each see their own proxy of the session's socket: nothing to share.
    if (ctx.req.httpVersionMajor !== 1) return compute(ctx);
    let text = perConnection.get(ctx.req.socket);
    if (text === undefined) {
      text = compute(ctx);
      perConnection.set(ctx.req.socket, text);
    }
    return text;
  };
}

/** The function call that answered, in Traefik's naming style; durations in nanoseconds like `Duration`. */
function invocationText(fields: FieldFilter): (call: NonNullable<RequestContext['invocation']>) => string {
  const name = fields.keeps('FunctionName');
  const version = fields.keeps('FunctionVersion');
  const requestId = fields.keeps('FunctionRequestId');
  const start = fields.keeps('FunctionStart');
  const init = fields.keeps('FunctionInitDuration');
  const run = fields.keeps('FunctionDuration');
  const outcome = fields.keeps('FunctionOutcome');
  return (call) => {
    let text = '';
    if (name) text += `,"FunctionName":${jsonString(call.function)}`;
    if (version) text += `,"FunctionVersion":${jsonString(call.version)}`;
    if (requestId) text += `,"FunctionRequestId":${jsonString(call.requestId)}`;
    if (start) text += `,"FunctionStart":"${call.cold ? 'cold' : 'warm'}"`;
    if (init) text += `,"FunctionInitDuration":${Math.round(call.initMs * 1e6)}`;
    if (run) text += `,"FunctionDuration":${Math.round(call.runMs * 1e6)}`;
    if (outcome) text += `,"FunctionOutcome":${jsonString(call.outcome)}`;
    return text;
  };
}

/** `host:port` of an upstream URL. */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** `request_<Name>` and `downstream_<Name>` members for the headers the filter lets through. */
function headerMembers(ctx: RequestContext, fields: FieldFilter): string {
  let out = '';
  const raw = ctx.req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const value = fields.header(raw[i]!, raw[i + 1]!);
    if (value !== undefined) {
      out += `,${JSON.stringify(`request_${canonicalHeaderName(raw[i]!.toLowerCase())}`)}:${jsonString(value)}`;
    }
  }
  for (const [name, value] of Object.entries(ctx.res.getHeaders())) {
    const logged = value === undefined ? undefined : fields.header(name, String(value));
    if (logged !== undefined) {
      out += `,${JSON.stringify(`downstream_${canonicalHeaderName(name)}`)}:${jsonString(logged)}`;
    }
  }
  return out;
}
