/**
 * `portier functions dev ./sum.ts`: serves one function on a local port, redeploys it when the
 * file is saved (editors save by rename, so the directory is watched), and prints every call.
 */
import { watch } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, resolve } from 'node:path';
import { serveInvocation } from '../functions/index.js';
import { deployFile, localRuntime } from './functions-local.js';
import { formatRecord } from './functions-output.js';

export interface DevOptions {
  file: string;
  name: string;
  port: number;
  host: string;
  env: Record<string, string>;
  timeout?: string;
}

const BODY_PREVIEW = 200;

/** Resolves when the server is listening; it runs until the process is stopped. */
export async function startDevServer(options: DevOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const file = resolve(options.file);
  const runtime = localRuntime(options.name, options.env, options.timeout);
  if (await deployFile(runtime, options.name, file)) console.error(`loaded ${options.file}`);

  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(file), (_event, changed) => {
    if (changed !== basename(file)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      void deployFile(runtime, options.name, file).then((ok) => ok && console.error(`reloaded ${options.file}`));
    }, 100);
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const exchange = {
      req,
      res,
      scheme: 'http' as const,
      host: req.headers.host ?? 'localhost',
      path: url.pathname,
      query: url.search.slice(1),
    };
    serveInvocation(runtime.core, options.name, url.pathname, exchange)
      .then((served) => {
        if (!served) {
          res
            .writeHead(503, { 'content-type': 'text/plain' })
            .end('the function is not loaded: fix the error shown by portier functions dev\n');
          return;
        }
        const body = Buffer.from(served.result.body).toString('utf8');
        console.log(
          `${req.method} ${req.url} → ${served.result.status} ${body.slice(0, BODY_PREVIEW)}${body.length > BODY_PREVIEW ? '…' : ''}`,
        );
        if (served.record) console.log(formatRecord(served.record));
      })
      .catch((error: unknown) => {
        console.error(error);
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  server.listen(options.port, options.host);
  await new Promise((done) => server.once('listening', done));
  const url = `http://${options.host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      watcher.close();
      clearTimeout(timer);
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await runtime.close();
    },
  };
}
