import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoReply {
  server: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
}

export interface Upstream {
  name: string;
  url: string;
  port: number;
  server: Server;
  hits: number;
  close(): Promise<void>;
}

/**
 * A real HTTP upstream on loopback that answers with JSON describing what it received, so tests
 * can check which server got a request and how the proxy rewrote it.
 */
export async function startEchoUpstream(name: string, port = 0): Promise<Upstream> {
  const upstream: Upstream = {
    name,
    url: '',
    port: 0,
    hits: 0,
    server: createServer((req, res) => {
      upstream.hits++;
      let bodyBytes = 0;
      req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
      req.on('end', () => {
        if (req.url === '/health' || req.url?.startsWith('/health?')) {
          res.writeHead(200).end('ok');
          return;
        }
        const reply: EchoReply = {
          server: name,
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          bodyBytes,
        };
        const body = JSON.stringify(reply);
        res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': name });
        res.end(body);
      });
    }),
    close: async () => {
      upstream.server.closeAllConnections();
      await new Promise((done) => upstream.server.close(done));
    },
  };
  await new Promise<void>((done) => upstream.server.listen(port, '127.0.0.1', done));
  upstream.port = (upstream.server.address() as AddressInfo).port;
  upstream.url = `http://127.0.0.1:${upstream.port}`;
  return upstream;
}
