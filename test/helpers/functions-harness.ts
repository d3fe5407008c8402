/**
 * A real node:http server in front of a function runtime, wired like the user path:
 * `/api/functions…` goes to the functions API, any other `/api/…` is stripped of `/api` and
 * handed to the `functions@internal` service.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StaticConfig } from '../../src/config/static/types.js';
import { createFunctionRuntime, type FunctionRuntime } from '../../src/functions/index.js';
import type { RequestContext } from '../../src/runtime/context.js';

export interface FunctionsHarness {
  runtime: FunctionRuntime;
  url: string;
  storeDir: string;
  /** PUTs `source` as function `name`; returns the API's status and JSON answer. */
  deploy(name: string, source: string): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function makeStoreDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'portier-functions-'));
}

export async function startFunctionsHarness(
  config: StaticConfig['functions'] = {},
  options: { storeDir?: string } = {},
): Promise<FunctionsHarness> {
  const storeDir = options.storeDir ?? (await makeStoreDir());
  const runtime = createFunctionRuntime({ ...config, store: { directory: storeDir } }, '/');
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const ctx: RequestContext = {
      req,
      res,
      entryPoint: 'web',
      scheme: 'http',
      host: 'localhost',
      path: url.pathname,
      query: url.search.slice(1),
      clientIp: req.socket.remoteAddress ?? '',
      localPort: req.socket.localPort ?? 0,
      startTime: process.hrtime.bigint(),
    };
    const consumer = req.headers['x-test-consumer'];
    if (typeof consumer === 'string') ctx.consumer = consumer;
    const handler = url.pathname.startsWith('/api/functions') ? runtime.apiHandler : runtime.service.handle;
    if (!url.pathname.startsWith('/api/functions')) ctx.path = url.pathname.replace(/^\/api/, '') || '/';
    Promise.resolve(handler(ctx)).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    runtime,
    url,
    storeDir,
    async deploy(name, source) {
      const res = await fetch(`${url}/api/functions/${name}`, { method: 'PUT', body: source });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await runtime.close();
      if (!options.storeDir) await rm(storeDir, { recursive: true, force: true });
    },
  };
}
