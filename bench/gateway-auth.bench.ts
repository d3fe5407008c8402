/**
 * Throughput cost of each gateway auth middleware against no auth: the same in-process server
 * (a RequestContext per request, an answering "upstream"), driven by wrk over loopback with a
 * valid credential on every request. Reports requests/s and the ratio to the no-auth baseline.
 * Usage: node --import tsx bench/gateway-auth.bench.ts   (BENCH_SECONDS, BENCH_CONNECTIONS)
 */
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { apiKey } from '../src/gateway/api-key.js';
import { hmacAuth } from '../src/gateway/hmac-auth.js';
import { jwtAuth } from '../src/gateway/jwt-auth.js';
import { rateLimit } from '../src/gateway/rate-limit.js';
import { configureGateway } from '../src/gateway/settings.js';
import type { Middleware } from '../src/middlewares/types.js';
import { buildMiddleware, gatewayDeps, startHarness, type LogLine } from '../test/helpers/gateway-harness.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const run = promisify(execFile);
const logs: LogLine[] = [];

interface Case {
  name: string;
  middleware: Middleware;
  headers: Record<string, string>;
}

async function cases(): Promise<Case[]> {
  const secret = 'bench-hmac-secret-0123456789abcdef';
  const consumers = { 'bench@file': { hmacKeys: [{ id: 'bench', secret }], apiKeys: ['bench-api-key'] } };
  const deps = gatewayDeps(consumers, logs, 'bench@file');
  const created = Math.floor(Date.now() / 1000);
  const params = `("@method" "@authority" "@path" "@query");created=${created};keyid="bench"`;
  const base = [
    `"@method": GET`,
    `"@authority": bench.local`,
    `"@path": /`,
    `"@query": ?`,
    `"@signature-params": ${params}`,
  ].join('\n');
  const signature = createHmac('sha256', secret).update(base).digest('base64');
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwt = await new SignJWT({ client_id: 'bench', scope: 'read' })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer('https://idp.bench')
    .setAudience('bench')
    .setExpirationTime('1h')
    .sign(privateKey);
  const none: Middleware = (next) => next;
  return [
    { name: 'none', middleware: none, headers: {} },
    { name: 'apiKey', middleware: buildMiddleware(apiKey, {}, deps), headers: { 'x-api-key': 'bench-api-key' } },
    {
      name: 'hmacAuth',
      middleware: buildMiddleware(hmacAuth, { maxAge: '1h' }, deps),
      headers: { 'signature-input': `sig1=${params}`, signature: `sig1=:${signature}:` },
    },
    {
      name: 'jwtAuth (ES256)',
      middleware: buildMiddleware(
        jwtAuth,
        { keys: [{ pem: await exportSPKI(publicKey) }], issuer: 'https://idp.bench', audience: 'bench' },
        deps,
      ),
      headers: { authorization: `Bearer ${jwt}` },
    },
    {
      name: 'rateLimit (memory)',
      middleware: buildMiddleware(rateLimit, { average: 1e9, burst: 1e9 }, deps),
      headers: {},
    },
  ];
}

async function measure(entry: Case): Promise<{ requestsPerSecond: number; non2xx: number }> {
  const server = await startHarness(entry.middleware);
  try {
    const headerArgs = Object.entries({ host: 'bench.local', ...entry.headers }).flatMap(([k, v]) => [
      '-H',
      `${k}: ${v}`,
    ]);
    const { stdout } = await run('wrk', [
      '-t1',
      `-c${CONNECTIONS}`,
      `-d${SECONDS}s`,
      ...headerArgs,
      `http://127.0.0.1:${server.port}/`,
    ]);
    return {
      requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN),
      non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0),
    };
  } finally {
    await server.close();
  }
}

configureGateway({});
const results: Record<string, unknown>[] = [];
let baseline = NaN;
const all = await cases();
// Warm up the JIT and the loopback path so the baseline is not the slowest run.
await measure(all[0]!);
for (const entry of all) {
  const { requestsPerSecond, non2xx } = await measure(entry);
  if (entry.name === 'none') baseline = requestsPerSecond;
  results.push({
    middleware: entry.name,
    requestsPerSecond,
    relativeToNone: Number((requestsPerSecond / baseline).toFixed(3)),
    non2xx,
  });
  if (non2xx) console.error(entry.name, 'rejected, e.g.:', logs.at(-1)?.obj.reason);
}
console.log(JSON.stringify({ bench: 'gateway-auth', seconds: SECONDS, connections: CONNECTIONS, results }, null, 2));
