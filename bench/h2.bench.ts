/**
 * Portier's HTTP/2 front against nginx, measured with h2load in the same run: h2 over TLS (ALPN)
 * and h2c (prior knowledge), each proxy with one process pinned to CPU 1 forwarding over
 * HTTP/1.1 to the same nginx upstream; h2load and the upstream share CPU 0. As in the proxy
 * bench, requests per CPU-second are the steadier figure on a shared machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runH2load } from './lib/h2load.js';
import { cpuSecondsOfTree } from './lib/process-cpu.js';
import { BENCH_HOST, nginxUpstream, type ProxyUnderTest } from './lib/peers.js';
import { startPinned, stop } from './lib/proxy-process.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CLIENTS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const STREAMS = 10;
const PROXY_CPU = '1';
const LOAD_CPU = '0';
const UPSTREAM_PORT = 18_950;
const BIN = resolve(import.meta.dirname, '../bin/portier.js');

interface Case {
  proxy: ProxyUnderTest;
  port: number;
  tls: boolean;
}

interface Row {
  name: string;
  protocol: 'h2' | 'h2c';
  rps: number;
  perCpuSecond: number;
  failed: number;
}

function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'bench.crt');
  const key = join(dir, 'bench.key');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
      ...['-subj', `/CN=${BENCH_HOST}`, '-addext', `subjectAltName=DNS:${BENCH_HOST}`, '-keyout', key, '-out', cert],
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

function nginxH2(
  dir: string,
  tlsPort: number,
  h2cPort: number,
  upstreamPort: number,
  pem: { cert: string; key: string },
): ProxyUnderTest {
  const conf = `worker_processes 1; daemon off; pid ${dir}/nginx-h2.pid; error_log ${dir}/nginx-h2-error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  upstream up { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server { listen 127.0.0.1:${tlsPort} ssl http2; listen 127.0.0.1:${h2cPort} http2; server_name ${BENCH_HOST};
    ssl_certificate ${pem.cert}; ssl_certificate_key ${pem.key};
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header X-Bench 1; } } }
`;
  writeFileSync(join(dir, 'nginx-h2.conf'), conf);
  return { name: 'nginx', command: ['nginx', '-p', dir, '-c', join(dir, 'nginx-h2.conf')] };
}

/** One entry point serves h2 (TLS) and h2c on the same port, with the proxy bench's Host rule and header middleware. */
function portierH2(
  dir: string,
  port: number,
  upstreamPort: number,
  pem: { cert: string; key: string },
): ProxyUnderTest {
  writeFileSync(
    join(dir, 'portier-h2.toml'),
    `[entryPoints.web]\naddress = "127.0.0.1:${port}"\n[providers.file]\nfilename = "${dir}/dynamic-h2.toml"\n[log]\nlevel = "WARN"\n`,
  );
  const router = (name: string, tls: boolean) => `[http.routers.${name}]
rule = "Host(\`${BENCH_HOST}\`)"
service = "up"
middlewares = ["hdr"]
${tls ? `[http.routers.${name}.tls]\n` : ''}`;
  writeFileSync(
    join(dir, 'dynamic-h2.toml'),
    `${router('h2c', false)}${router('h2', true)}
[http.middlewares.hdr.headers.customRequestHeaders]
X-Bench = "1"
[[http.services.up.loadBalancer.servers]]
url = "http://127.0.0.1:${upstreamPort}"
[[tls.certificates]]
certFile = "${pem.cert}"
keyFile = "${pem.key}"
`,
  );
  return { name: 'portier', command: [process.execPath, BIN, '-c', join(dir, 'portier-h2.toml')] };
}

async function listening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1', () => done(socket.destroy() && true));
      socket.on('error', () => done(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}

function measure(pid: number, { port, tls, proxy }: Case): Row {
  const url = `${tls ? 'https' : 'http'}://${BENCH_HOST}:${port}/`;
  const load = (seconds: number, warmUpSeconds: number) =>
    runH2load(url, {
      connectTo: `127.0.0.1:${port}`,
      seconds,
      warmUpSeconds,
      clients: CLIENTS,
      streams: STREAMS,
      cpu: LOAD_CPU,
    });
  load(1, 0);
  const cpuBefore = cpuSecondsOfTree(pid);
  const result = load(SECONDS, 0);
  const cpu = cpuSecondsOfTree(pid) - cpuBefore;
  return {
    name: proxy.name,
    protocol: tls ? 'h2' : 'h2c',
    rps: result.requestsPerSecond,
    perCpuSecond: result.succeeded / cpu,
    failed: result.failed,
  };
}

async function measureProxy(proxy: ProxyUnderTest, cases: Case[]): Promise<Row[]> {
  const child = startPinned(proxy, PROXY_CPU);
  try {
    for (const c of cases) await listening(c.port);
    // Portier applies its file configuration just after it listens.
    await new Promise((r) => setTimeout(r, 500));
    return cases.map((c) => measure(child.pid!, c));
  } finally {
    await stop(child);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portier-bench-h2-'));
  const upstream = startPinned(nginxUpstream(dir, UPSTREAM_PORT), LOAD_CPU);
  try {
    await listening(UPSTREAM_PORT);
    const pem = selfSigned(dir);
    const nginx = nginxH2(dir, 18_951, 18_952, UPSTREAM_PORT, pem);
    const portier = portierH2(dir, 18_953, UPSTREAM_PORT, pem);
    const rows = [
      ...(await measureProxy(nginx, [
        { proxy: nginx, port: 18_951, tls: true },
        { proxy: nginx, port: 18_952, tls: false },
      ])),
      ...(await measureProxy(portier, [
        { proxy: portier, port: 18_953, tls: true },
        { proxy: portier, port: 18_953, tls: false },
      ])),
    ];
    report(rows);
  } finally {
    await stop(upstream);
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(rows: Row[]): void {
  console.log(
    `\nHTTP/2 benchmark: h2load -c${CLIENTS} -m${STREAMS} for ${SECONDS}s per case, 1 KiB responses, proxy pinned to one CPU`,
  );
  console.log('proxy     protocol    req/s  req per CPU-s  failed');
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(9)} ${r.protocol.padEnd(8)} ${r.rps.toFixed(0).padStart(8)} ${r.perCpuSecond.toFixed(0).padStart(14)} ${String(r.failed).padStart(7)}`,
    );
  }
  for (const protocol of ['h2', 'h2c'] as const) {
    const ours = rows.find((r) => r.name === 'portier' && r.protocol === protocol)!;
    const nginx = rows.find((r) => r.name === 'nginx' && r.protocol === protocol)!;
    console.log(
      `portier / nginx over ${protocol}: ${(ours.rps / nginx.rps).toFixed(2)}x req/s, ${(ours.perCpuSecond / nginx.perCpuSecond).toFixed(2)}x per CPU-second`,
    );
  }
  const resultsDir = resolve(import.meta.dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'h2.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
}

await main();
