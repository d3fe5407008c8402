import type { FieldFilter } from './access-log-fields.js';
import type { FinishedRequest, LineFormatter } from './access-log-format.js';
import { clfTime } from './access-log-time.js';

/**
 * `host - user [time] "METHOD path proto" status size "referer" "agent" count "router" "server" Nms`,
 * as Traefik writes it. Dropped fields print as `-`.
 */
export function commonFormatter(fields: FieldFilter): LineFormatter {
  const kept = (field: string, value: string | number | undefined) =>
    fields.keeps(field) && value !== undefined && value !== '' ? String(value) : '-';
  const header = (line: FinishedRequest, name: string) => {
    const value = line.ctx.req.headers[name];
    return value === undefined ? '-' : (fields.header(name, String(value)) ?? '-');
  };
  return (line) => {
    const { ctx } = line;
    const { req } = ctx;
    const durationMs = Math.floor(line.durationNs / 1e6);
    return (
      `${kept('ClientHost', ctx.clientIp)} - ${kept('ClientUsername', ctx.consumer)} ` +
      `[${kept('StartLocal', clfTime(line.now - durationMs))}] ` +
      `"${kept('RequestMethod', req.method)} ${kept('RequestPath', req.url)} ${kept('RequestProtocol', `HTTP/${req.httpVersion}`)}" ` +
      `${kept('DownstreamStatus', line.status)} ${kept('DownstreamContentSize', line.bytesSent)} ` +
      `"${header(line, 'referer')}" "${header(line, 'user-agent')}" ${kept('RequestCount', line.count)} ` +
      `"${kept('RouterName', ctx.routerName)}" "${kept('ServiceURL', ctx.upstreamUrl)}" ` +
      `${durationMs}ms\n`
    );
  };
}
