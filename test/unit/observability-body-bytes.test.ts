import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { tmpdir } from 'node:os';
import { EntryPoint } from '../../src/runtime/entrypoint.js';
import { TlsManager } from '../../src/tls/tls-manager.js';

/**
 * The body bytes the entry point reports for each request, as the access log and the metrics get
 * them: `/text` answers a multi-byte string in three writes, `/big?n=N` N bytes in one buffer.
 */
describe('body bytes per request', () => {
  const seen = new Map<string, number>();
  let entryPoint: EntryPoint;
  let base: string;

  before(async () => {
    entryPoint = new EntryPoint(
      'web',
      { address: '127.0.0.1:0' },
      (ctx) => {
        const url = new URL(ctx.req.url ?? '/', 'http://x');
        if (url.pathname === '/text') {
          ctx.res.write('héllo ');
          ctx.res.write(Buffer.from('wörld'));
          ctx.res.end('!');
        } else {
          ctx.res.end(Buffer.alloc(Number(url.searchParams.get('n'))));
        }
      },
      {
        observe: (ctx, _status, bytes) => seen.set(`${ctx.req.method} ${ctx.req.url}`, bytes),
        // With a TLS manager the entry point tells h2c from HTTP/1.1 on its one port.
        tls: new TlsManager(tmpdir()),
      },
    );
    await entryPoint.listen();
    base = `http://127.0.0.1:${entryPoint.port}`;
  });
  after(() => entryPoint.shutdown(0));

  async function settled(key: string): Promise<number> {
    for (let i = 0; i < 100 && !seen.has(key); i++) await new Promise((done) => setTimeout(done, 10));
    return seen.get(key)!;
  }

  it('counts bytes, not characters, over several writes, and nothing for HEAD', async () => {
    const body = await (await fetch(`${base}/text`)).arrayBuffer();
    assert.equal(body.byteLength, 14);
    assert.equal(await settled('GET /text'), 14);
    await new Promise<void>((done) =>
      request(`${base}/big?n=100`, { method: 'HEAD' }, (res) => res.resume().once('end', done)).end(),
    );
    assert.equal(await settled('HEAD /big?n=100'), 0);
  });

  it('gives each HTTP/2 stream of one connection its own count', async () => {
    const session = connect(base);
    try {
      const sizes = [1, 40_000, 300];
      await Promise.all(
        sizes.map(
          (n) =>
            new Promise<void>((done, fail) => {
              const stream = session.request({ ':path': `/big?n=${n}` });
              stream.resume().once('end', done).once('error', fail);
              stream.end();
            }),
        ),
      );
      for (const n of sizes) assert.equal(await settled(`GET /big?n=${n}`), n);
    } finally {
      session.close();
    }
  });
});
