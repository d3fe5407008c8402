import type { IncomingHttpHeaders } from 'node:http';
import { connect as connectHttp2 } from 'node:http2';
import { request, type RequestOptions } from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';

export interface TlsReply {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
  /** The certificate the server presented. */
  peer: PeerCertificate;
}

/**
 * One HTTP/1.1 GET over TLS to 127.0.0.1:`port`, with `servername` as SNI and Host, on a fresh
 * connection so each call sees the certificate chosen for it; `options` adds client
 * certificates, versions or `ca`.
 */
export function tlsGet(port: number, servername: string, path = '/', options: RequestOptions = {}): Promise<TlsReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        servername,
        headers: { host: servername },
        agent: false,
        timeout: 5000,
        ...options,
      },
      (res) => {
        const peer = (res.socket as TLSSocket).getPeerCertificate();
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, peer }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** One HTTP/2 GET (TLS with ALPN h2 when `ca` is given, else h2c with prior knowledge). */
export function h2Get(origin: string, path: string, options: { ca?: string; servername?: string } = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const session = connectHttp2(origin, { ...options });
    session.on('error', reject);
    const stream = session.request({ ':path': path });
    let body = '';
    let headers: Record<string, unknown> = {};
    stream.on('response', (h) => (headers = h));
    stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
    stream.on('error', reject);
    stream.on('end', () => {
      session.close();
      resolve({ status: Number(headers[':status']), body, headers });
    });
  });
}
