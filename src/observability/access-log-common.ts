import type { FieldFilter } from './access-log-fields.js';
import type { LineFormatter } from './access-log-format.js';
import { clfTime } from './access-log-time.js';
import { encode, type LineBuffer } from './line-buffer.js';

/**
 * `host - user [time] "METHOD path proto" status size "referer" "agent" count "router" "server" Nms`,
 * as Traefik writes it. Dropped fields print as `-`.
 */
export function commonFormatter(fields: FieldFilter): LineFormatter {
  const keeps = (name: string) => fields.keeps(name);
  const [clientHost, username, startLocal, method, path, protocol, status, size, count, router, server] = [
    'ClientHost',
    'ClientUsername',
    'StartLocal',
    'RequestMethod',
    'RequestPath',
    'RequestProtocol',
    'DownstreamStatus',
    'DownstreamContentSize',
    'RequestCount',
    'RouterName',
    'ServiceURL',
  ].map(keeps);
  const referer = fields.headerRule('referer');
  const userAgent = fields.headerRule('user-agent');
  return (line, out) => {
    const { ctx } = line;
    const { req } = ctx;
    const durationMs = Math.floor(line.durationNs / 1e6);
    textField(out, clientHost, ctx.clientIp);
    out.encoded(NO_IDENT);
    textField(out, username, ctx.clientUsername ?? ctx.consumer);
    out.encoded(OPEN_TIME);
    if (startLocal) out.encoded(clfTime(line.now - durationMs));
    else out.encoded(DASH);
    out.encoded(OPEN_REQUEST);
    textField(out, method, req.method);
    out.encoded(SPACE);
    textField(out, path, req.url);
    out.encoded(SPACE);
    if (!protocol) out.encoded(DASH);
    else {
      const known = PROTOCOLS.get(req.httpVersion);
      if (known) out.encoded(known);
      else out.text(`HTTP/${req.httpVersion}`);
    }
    out.encoded(CLOSE_REQUEST);
    numberField(out, status, line.status);
    out.encoded(SPACE);
    numberField(out, size, line.bytesSent);
    out.encoded(OPEN_QUOTED);
    textField(out, true, referer(req.headers.referer));
    out.encoded(BETWEEN_QUOTED);
    textField(out, true, userAgent(req.headers['user-agent']));
    out.encoded(CLOSE_QUOTED);
    numberField(out, count, line.count);
    out.encoded(OPEN_QUOTED);
    textField(out, router, ctx.routerName);
    out.encoded(BETWEEN_QUOTED);
    textField(out, server, ctx.upstreamUrl);
    out.encoded(CLOSE_QUOTED);
    out.number(durationMs);
    out.encoded(LINE_END);
  };
}

const PROTOCOLS = new Map(['1.0', '1.1', '2.0'].map((version) => [version, encode(`HTTP/${version}`)]));

const DASH = encode('-');
const SPACE = encode(' ');
const NO_IDENT = encode(' - ');
const OPEN_TIME = encode(' [');
const OPEN_REQUEST = encode('] "');
const CLOSE_REQUEST = encode('" ');
const OPEN_QUOTED = encode(' "');
const BETWEEN_QUOTED = encode('" "');
const CLOSE_QUOTED = encode('" ');
const LINE_END = encode('ms\n');

function textField(out: LineBuffer, keep: boolean | undefined, value: string | undefined): void {
  if (keep && value) out.text(value);
  else out.encoded(DASH);
}

function numberField(out: LineBuffer, keep: boolean | undefined, value: number): void {
  if (keep) out.number(value);
  else out.encoded(DASH);
}
