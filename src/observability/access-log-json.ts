import { sentHeaders } from '../runtime/counted-response.js';
import { canonicalHeaderName, type FieldFilter } from './access-log-fields.js';
import type { FinishedRequest, LineFormatter } from './access-log-format.js';
import { isoMillisWriter } from './access-log-time.js';
import { encode, type LineBuffer } from './line-buffer.js';
import { compileLineTemplate, type ValueWriter } from './line-template.js';

/**
 * Traefik's JSON access-log line, written by hand: every request pays for it, and building an
 * object for JSON.stringify cost three times as much. The line is compiled once per
 * configuration: dropped fields are never computed, fixed texts are merged (line-template.ts),
 * and values that repeat across requests are kept as ready-made JSON: per connection (client
 * address, entry point, port, scheme) and per route (router, service, upstream). Members come in
 * another order than Traefik's; JSON readers do not care.
 */
export function jsonFormatter(fields: FieldFilter): LineFormatter {
  const keeps = (name: string) => fields.keeps(name);
  const parts: (string | ValueWriter)[] = ['{"level":"info","msg":"","time":"', writeNow, 'Z"'];
  if (keeps('StartUTC')) parts.push(',"StartUTC":"', writeStart, 'Z"');
  if (keeps('Duration')) parts.push(',"Duration":', (line, out) => out.number(line.durationNs));
  parts.push(connectionMembers(fields), routeMembers(fields));
  if (keeps('ClientUsername')) parts.push(',"ClientUsername":', writeUsername);
  if (keeps('Consumer')) parts.push(optionalMember('Consumer', ({ ctx }) => ctx.consumer));
  if (keeps('RequestMethod')) parts.push(',"RequestMethod":', (line, out) => out.jsonString(line.ctx.req.method ?? ''));
  if (keeps('RequestPath')) parts.push(',"RequestPath":', (line, out) => out.jsonString(line.ctx.req.url ?? ''));
  if (keeps('RequestProtocol')) parts.push(',"RequestProtocol":', writeProtocol);
  if (keeps('RequestHost')) parts.push(',"RequestHost":', (line, out) => out.jsonString(line.ctx.host));
  if (keeps('RequestAddr')) parts.push(optionalMember('RequestAddr', ({ ctx }) => ctx.req.headers.host));
  if (keeps('RequestContentSize')) parts.push(',"RequestContentSize":', writeContentSize);
  if (keeps('RequestCount')) parts.push(',"RequestCount":', (line, out) => out.number(line.count));
  if (keeps('RetryAttempts')) parts.push(',"RetryAttempts":', (line, out) => out.number(line.ctx.retryAttempts ?? 0));
  if (keeps('DownstreamStatus')) parts.push(',"DownstreamStatus":', (line, out) => out.number(line.status));
  if (keeps('DownstreamContentSize')) {
    parts.push(',"DownstreamContentSize":', (line, out) => out.number(line.bytesSent));
  }
  parts.push(invocationMembers(fields));
  if (fields.anyHeader) parts.push(headerMembers(fields));
  parts.push('}\n');
  return compileLineTemplate(parts);
}

const nowTime = isoMillisWriter();
const startTime = isoMillisWriter();
const writeNow: ValueWriter = (line, out) => nowTime(out, line.now);
const writeStart: ValueWriter = (line, out) => startTime(out, line.now - Math.round(line.durationNs / 1e6));

const DASH = encode('"-"');
const writeUsername: ValueWriter = ({ ctx }, out) => {
  const username = ctx.clientUsername ?? ctx.consumer;
  if (username === undefined) out.encoded(DASH);
  else out.jsonString(username);
};

/** `,"Name":"value"` for a string member that only some requests have. */
function optionalMember(name: string, valueOf: (line: FinishedRequest) => string | undefined): ValueWriter {
  const member = encode(`,"${name}":`);
  return (line, out) => {
    const value = valueOf(line);
    if (value === undefined) return;
    out.encoded(member);
    out.jsonString(value);
  };
}

const PROTOCOLS = new Map(['1.0', '1.1', '2.0'].map((version) => [version, encode(`"HTTP/${version}"`)]));
const writeProtocol: ValueWriter = ({ ctx }, out) => {
  const version = ctx.req.httpVersion;
  const known = PROTOCOLS.get(version);
  if (known) out.encoded(known);
  else out.jsonString(`HTTP/${version}`);
};

const writeContentSize: ValueWriter = ({ ctx }, out) => out.number(Number(ctx.req.headers['content-length'] ?? 0) || 0);

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

/**
 * `ClientAddr`, `ClientHost`, `ClientPort`, `RequestPort`, `RequestScheme` and `entryPointName`:
 * the same for every request on a connection.
 */
function connectionMembers(fields: FieldFilter): ValueWriter {
  const compute = ({ ctx }: FinishedRequest): Uint8Array => {
    const port = ctx.clientPort === undefined ? '' : String(ctx.clientPort);
    return encode(
      member(fields, 'ClientAddr', `${ctx.clientIp}:${port}`) +
        member(fields, 'ClientHost', ctx.clientIp) +
        member(fields, 'ClientPort', port) +
        member(fields, 'RequestPort', String(ctx.localPort)) +
        member(fields, 'RequestScheme', ctx.scheme) +
        member(fields, 'entryPointName', ctx.entryPoint),
    );
  };
  const perConnection = new WeakMap<object, Uint8Array>();
  return (line, out) => {
    const { connection } = line.ctx;
    let text = connection && perConnection.get(connection);
    if (text === undefined) {
      text = compute(line);
      if (connection) perConnection.set(connection, text);
    }
    out.encoded(text);
  };
}

/**
 * `RouterName`, `ServiceName`, `ServiceURL` and `ServiceAddr`, by router, service and upstream:
 * bounded, since these names come from configuration, not from requests.
 */
function routeMembers(fields: FieldFilter): ValueWriter {
  const compute = (router: string, service: string, upstream: string): Uint8Array =>
    encode(
      member(fields, 'RouterName', router) +
        member(fields, 'ServiceName', service) +
        member(fields, 'ServiceURL', upstream) +
        member(fields, 'ServiceAddr', hostOf(upstream)),
    );
  const byRouter = new Map<string, Map<string, Map<string, Uint8Array>>>();
  let cached = 0;
  return ({ ctx }, out) => {
    const router = ctx.routerName ?? '';
    const service = ctx.serviceName ?? '';
    const upstream = ctx.upstreamUrl ?? '';
    let text = byRouter.get(router)?.get(service)?.get(upstream);
    if (text === undefined) {
      if (++cached > MAX_ROUTES) {
        byRouter.clear();
        cached = 1;
      }
      let byService = byRouter.get(router);
      if (byService === undefined) byRouter.set(router, (byService = new Map()));
      let byUpstream = byService.get(service);
      if (byUpstream === undefined) byService.set(service, (byUpstream = new Map()));
      byUpstream.set(upstream, (text = compute(router, service, upstream)));
    }
    out.encoded(text);
  };
}

/** Past this many routes, all are forgotten: old configurations' names must not pile up. */
const MAX_ROUTES = 10_000;

/** The function call that answered, in Traefik's naming style; durations in nanoseconds like `Duration`. */
function invocationMembers(fields: FieldFilter): ValueWriter {
  const name = fields.keeps('FunctionName');
  const version = fields.keeps('FunctionVersion');
  const requestId = fields.keeps('FunctionRequestId');
  const start = fields.keeps('FunctionStart');
  const init = fields.keeps('FunctionInitDuration');
  const run = fields.keeps('FunctionDuration');
  const outcome = fields.keeps('FunctionOutcome');
  return ({ ctx }, out) => {
    const call = ctx.invocation;
    if (call === undefined) return;
    let text = '';
    if (name) text += `,"FunctionName":${jsonString(call.function)}`;
    if (version) text += `,"FunctionVersion":${jsonString(call.version)}`;
    if (requestId) text += `,"FunctionRequestId":${jsonString(call.requestId)}`;
    if (start) text += `,"FunctionStart":"${call.cold ? 'cold' : 'warm'}"`;
    if (init) text += `,"FunctionInitDuration":${Math.round(call.initMs * 1e6)}`;
    if (run) text += `,"FunctionDuration":${Math.round(call.runMs * 1e6)}`;
    if (outcome) text += `,"FunctionOutcome":${jsonString(call.outcome)}`;
    out.text(text);
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

/**
 * `request_<Name>` and `downstream_<Name>` members for the headers the filter lets through. Each
 * header name is resolved once (its rule, its member name as JSON bytes): names repeat from one
 * request to the next, so a line only copies bytes and escapes values.
 */
function headerMembers(fields: FieldFilter): ValueWriter {
  const request = new HeaderMembers(fields, 'request_');
  const downstream = new HeaderMembers(fields, 'downstream_');
  return ({ ctx }, out) => {
    const raw = ctx.req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) request.write(out, raw[i]!, raw[i + 1]);
    for (const [name, value] of Object.entries(sentHeaders(ctx.res))) {
      if (value !== undefined) downstream.write(out, name, String(value));
    }
  };
}

class HeaderMembers {
  private readonly byName = new Map<
    string,
    { name: Uint8Array; logged: (value: string | undefined) => string | undefined }
  >();

  constructor(
    private readonly fields: FieldFilter,
    private readonly prefix: 'request_' | 'downstream_',
  ) {}

  write(out: LineBuffer, header: string, value: string | undefined): void {
    let member = this.byName.get(header);
    if (member === undefined) {
      // Clients choose header names: forget them all rather than grow without end.
      if (this.byName.size >= MAX_HEADER_NAMES) this.byName.clear();
      const name = `${this.prefix}${canonicalHeaderName(header.toLowerCase())}`;
      member = { name: encode(`,${JSON.stringify(name)}:`), logged: this.fields.headerRule(header) };
      this.byName.set(header, member);
    }
    const logged = member.logged(value);
    if (logged === undefined) return;
    out.encoded(member.name);
    out.jsonString(logged);
  }
}

const MAX_HEADER_NAMES = 1000;
