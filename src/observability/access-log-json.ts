import type { RequestContext } from '../runtime/context.js';
import { sentHeaders } from '../runtime/counted-response.js';
import { canonicalHeaderName, type FieldFilter } from './access-log-fields.js';
import type { FinishedRequest, LineFormatter } from './access-log-format.js';
import { writeIsoTime } from './access-log-time.js';
import { encode, type LineBuffer } from './line-buffer.js';

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
  const router = new EncodedTextCache((name) => member(fields, 'RouterName', name));
  const service = new EncodedTextCache((name) => member(fields, 'ServiceName', name));
  const upstream = new EncodedTextCache(
    (url) => member(fields, 'ServiceURL', url) + member(fields, 'ServiceAddr', hostOf(url)),
  );
  const entryPoint = new EncodedTextCache((name) => member(fields, 'entryPointName', name));
  const invocation = invocationText(fields);

  return (line: FinishedRequest, out: LineBuffer): void => {
    const { ctx } = line;
    const { req } = ctx;
    out.encoded(LINE_START);
    writeIsoTime(out, line.now);
    out.encoded(QUOTE);
    if (startUtc) {
      out.encoded(START_UTC);
      writeIsoTime(out, line.now - Math.round(line.durationNs / 1e6));
      out.encoded(QUOTE);
    }
    if (duration) numberMember(out, DURATION, line.durationNs);
    out.encoded(client(line));
    if (clientUsername) {
      out.encoded(CLIENT_USERNAME);
      const username = ctx.clientUsername ?? ctx.consumer;
      if (username === undefined) out.encoded(DASH);
      else out.jsonString(username);
    }
    if (consumer && ctx.consumer !== undefined) stringMember(out, CONSUMER, ctx.consumer);
    if (method) stringMember(out, REQUEST_METHOD, req.method ?? '');
    if (path) stringMember(out, REQUEST_PATH, req.url ?? '');
    if (protocol) {
      const known = PROTOCOLS.get(req.httpVersion);
      if (known) out.encoded(known);
      else stringMember(out, REQUEST_PROTOCOL, `HTTP/${req.httpVersion}`);
    }
    if (host) stringMember(out, REQUEST_HOST, ctx.host);
    if (addr && req.headers.host !== undefined) stringMember(out, REQUEST_ADDR, req.headers.host);
    if (port) {
      out.encoded(REQUEST_PORT);
      out.number(ctx.localPort);
      out.encoded(QUOTE);
    }
    if (scheme) out.encoded(ctx.scheme === 'https' ? SCHEME_HTTPS : SCHEME_HTTP);
    if (contentSize) numberMember(out, REQUEST_CONTENT_SIZE, Number(req.headers['content-length'] ?? 0) || 0);
    if (count) numberMember(out, REQUEST_COUNT, line.count);
    if (retries) numberMember(out, RETRY_ATTEMPTS, ctx.retryAttempts ?? 0);
    if (ctx.routerName !== undefined) out.encoded(router.get(ctx.routerName));
    if (ctx.serviceName !== undefined) out.encoded(service.get(ctx.serviceName));
    if (ctx.upstreamUrl !== undefined) out.encoded(upstream.get(ctx.upstreamUrl));
    if (status) numberMember(out, DOWNSTREAM_STATUS, line.status);
    if (size) numberMember(out, DOWNSTREAM_CONTENT_SIZE, line.bytesSent);
    if (ctx.invocation !== undefined) out.text(invocation(ctx.invocation));
    out.encoded(entryPoint.get(ctx.entryPoint));
    if (anyHeader) out.text(headerMembers(ctx, fields));
    out.encoded(LINE_END);
  };
}

const LINE_START = encode('{"level":"info","msg":"","time":"');
const LINE_END = encode('}\n');
const QUOTE = encode('"');
const DASH = encode('"-"');
const START_UTC = encode(',"StartUTC":"');
const DURATION = encode(',"Duration":');
const CLIENT_USERNAME = encode(',"ClientUsername":');
const CONSUMER = encode(',"Consumer":');
const REQUEST_METHOD = encode(',"RequestMethod":');
const REQUEST_PATH = encode(',"RequestPath":');
const REQUEST_PROTOCOL = encode(',"RequestProtocol":');
const REQUEST_HOST = encode(',"RequestHost":');
const REQUEST_ADDR = encode(',"RequestAddr":');
const REQUEST_PORT = encode(',"RequestPort":"');
const SCHEME_HTTP = encode(',"RequestScheme":"http"');
const SCHEME_HTTPS = encode(',"RequestScheme":"https"');
const REQUEST_CONTENT_SIZE = encode(',"RequestContentSize":');
const REQUEST_COUNT = encode(',"RequestCount":');
const RETRY_ATTEMPTS = encode(',"RetryAttempts":');
const DOWNSTREAM_STATUS = encode(',"DownstreamStatus":');
const DOWNSTREAM_CONTENT_SIZE = encode(',"DownstreamContentSize":');

const PROTOCOLS = new Map(
  ['1.0', '1.1', '2.0'].map((version) => [version, encode(`,"RequestProtocol":"HTTP/${version}"`)]),
);

function stringMember(out: LineBuffer, name: Uint8Array, value: string): void {
  out.encoded(name);
  out.jsonString(value);
}

function numberMember(out: LineBuffer, name: Uint8Array, value: number): void {
  out.encoded(name);
  out.number(value);
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON must escape
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029]/;

/** For texts built once (cached members) or rarely (function calls, logged headers). */
function jsonString(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** `,"Name":"value"`, or nothing when the field is dropped or the value empty. */
function member(fields: FieldFilter, name: string, value: string | undefined): string {
  return fields.keeps(name) && value ? `,"${name}":${jsonString(value)}` : '';
}

/** JSON text per key, encoded once; bounded, since keys come from configuration, not requests. */
class EncodedTextCache {
  private readonly texts = new Map<string, Uint8Array>();

  constructor(private readonly compute: (key: string) => string) {}

  get(key: string): Uint8Array {
    let text = this.texts.get(key);
    if (text === undefined) {
      text = encode(this.compute(key));
      if (this.texts.size >= 10_000) this.texts.clear();
      this.texts.set(key, text);
    }
    return text;
  }
}

/** `ClientAddr`, `ClientHost` and `ClientPort`, the same for every request on a connection. */
function clientText(fields: FieldFilter): (line: FinishedRequest) => Uint8Array {
  const addr = fields.keeps('ClientAddr');
  const host = fields.keeps('ClientHost');
  const port = fields.keeps('ClientPort');
  const nothing = encode('');
  if (!addr && !host && !port) return () => nothing;
  const compute = ({ ctx, remotePort }: FinishedRequest): Uint8Array => {
    let text = '';
    if (addr) text += `,"ClientAddr":${jsonString(`${ctx.clientIp}:${remotePort ?? 0}`)}`;
    if (host) text += `,"ClientHost":${jsonString(ctx.clientIp)}`;
    if (port) text += `,"ClientPort":"${remotePort ?? ''}"`;
    return encode(text);
  };
  const perConnection = new WeakMap<object, Uint8Array>();
  return (line) => {
    const { req } = line.ctx;
    // HTTP/2 requests each see their own proxy of the session's socket: nothing to share.
    if (req.httpVersionMajor !== 1) return compute(line);
    let text = perConnection.get(req.socket);
    if (text === undefined) {
      text = compute(line);
      perConnection.set(req.socket, text);
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
  for (const [name, value] of Object.entries(sentHeaders(ctx.res))) {
    const logged = value === undefined ? undefined : fields.header(name, String(value));
    if (logged !== undefined) {
      out += `,${JSON.stringify(`downstream_${canonicalHeaderName(name)}`)}:${jsonString(logged)}`;
    }
  }
  return out;
}
