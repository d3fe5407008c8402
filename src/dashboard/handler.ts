import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Handler, RequestContext } from '../runtime/context.js';
import { respond } from '../runtime/respond.js';

/**
 * Serves the dashboard's built files (`npm run build:dashboard` writes them to `app/dist/`).
 * Everything is read into memory once, with gzip variants: the whole app is a few dozen KB.
 * Hashed assets are `immutable`; `index.html` is revalidated on every load (`no-cache` + ETag)
 * so a new build is picked up at once.
 */
interface Asset {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Run from `src/` (tsx) or from the compiled `dist/`: the built app stays under `src/dashboard/app/dist`. */
const CANDIDATE_DIRS = [
  fileURLToPath(new URL('./app/dist/', import.meta.url)),
  fileURLToPath(new URL('../../src/dashboard/app/dist/', import.meta.url)),
];

export function dashboardDirectory(): string | undefined {
  return CANDIDATE_DIRS.find((dir) => existsSync(join(dir, 'index.html')));
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const body = readFileSync(path);
      const type = TYPES[extname(entry)] ?? 'application/octet-stream';
      const name = relative(dir, path).split('\\').join('/');
      const compressible = /^text\/|json|svg/.test(type) && body.length > 512;
      assets.set(`/dashboard/${name}`, {
        body,
        gzip: compressible ? gzipSync(body) : undefined,
        type,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
        cacheControl: name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
  };
  walk(dir);
  const index = assets.get('/dashboard/index.html');
  if (index) assets.set('/dashboard/', index);
  return assets;
}

export function createDashboardHandler(dir: string | undefined): Handler {
  let assets: Map<string, Asset> | undefined;
  return (ctx) => {
    const { path } = ctx;
    if (path === '/' || path === '/dashboard') {
      respond(ctx, 302, 'Found', { location: '/dashboard/' });
      return;
    }
    if (ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD') {
      respond(ctx, 405, 'Method Not Allowed', { allow: 'GET, HEAD' });
      return;
    }
    if (!dir) {
      respond(ctx, 503, 'The dashboard is not built: run `npm run build:dashboard` in the Portier directory.');
      return;
    }
    assets ??= loadAssets(dir);
    const asset = assets.get(path);
    if (!asset) {
      respond(ctx, 404, '404 page not found');
      return;
    }
    sendAsset(ctx, asset);
  };
}

function sendAsset(ctx: RequestContext, asset: Asset): void {
  const { req, res } = ctx;
  const headers: Record<string, string | number> = {
    'content-type': asset.type,
    'cache-control': asset.cacheControl,
    etag: asset.etag,
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
  };
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const gzip = asset.gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  const body = gzip ? asset.gzip! : asset.body;
  if (gzip) headers['content-encoding'] = 'gzip';
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
