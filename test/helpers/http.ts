import { request as httpRequest, Agent, type IncomingHttpHeaders } from 'node:http';

export interface SimpleResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP/1.1 request on loopback; resolves with the whole response. */
export function get(
  url: string,
  options: { headers?: Record<string, string>; method?: string; body?: string | Buffer; agent?: Agent } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The upstream echo server's JSON reply (see test/helpers/upstream.ts). */
export async function echo(url: string, headers: Record<string, string> = {}) {
  const response = await get(url, { headers });
  if (response.status !== 200) throw new Error(`expected 200 from ${url}, got ${response.status}: ${response.body}`);
  return JSON.parse(response.body) as { server: string; url: string; headers: IncomingHttpHeaders };
}
