import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** How to start one proxy under test: command line and the config files it needs. */
export interface ProxyUnderTest {
  name: string;
  command: string[];
  env?: NodeJS.ProcessEnv;
}

export const BENCH_HOST = 'bench.local';

/** nginx serving a fixed 1 KiB body: the upstream every proxy forwards to. */
export function nginxUpstream(dir: string, port: number): ProxyUnderTest {
  const body = 'x'.repeat(1024);
  const conf = `worker_processes 1; daemon off; pid ${dir}/upstream.pid; error_log ${dir}/upstream-error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:${port}; location / { default_type text/plain; return 200 "${body}"; } } }
`;
  writeFileSync(join(dir, 'upstream.conf'), conf);
  return { name: 'upstream', command: ['nginx', '-p', dir, '-c', join(dir, 'upstream.conf')] };
}

export function nginxProxy(dir: string, port: number, upstreamPort: number): ProxyUnderTest {
  const conf = `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/nginx-error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  upstream up { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server { listen 127.0.0.1:${port}; server_name ${BENCH_HOST};
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header X-Bench 1; } } }
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  return { name: 'nginx', command: ['nginx', '-p', dir, '-c', join(dir, 'nginx.conf')] };
}

export function haproxy(dir: string, port: number, upstreamPort: number): ProxyUnderTest {
  const conf = `global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  http-reuse always
frontend bench
  bind 127.0.0.1:${port}
  acl bench_host hdr(host) -i ${BENCH_HOST}
  http-request set-header X-Bench 1
  use_backend up if bench_host
backend up
  server s1 127.0.0.1:${upstreamPort}
`;
  writeFileSync(join(dir, 'haproxy.cfg'), conf);
  return { name: 'haproxy', command: ['haproxy', '-db', '-f', join(dir, 'haproxy.cfg')] };
}

export function caddy(dir: string, port: number, upstreamPort: number): ProxyUnderTest {
  const conf = `{
  admin off
  auto_https off
}
http://${BENCH_HOST}:${port} {
  bind 127.0.0.1
  reverse_proxy 127.0.0.1:${upstreamPort} {
    header_up X-Bench 1
  }
}
`;
  writeFileSync(join(dir, 'Caddyfile'), conf);
  return {
    name: 'caddy',
    command: ['caddy', 'run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
    env: { GOMAXPROCS: '1', HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  };
}

/** What a Portier under test turns on besides proxying; everything off is the plain proxy. */
export interface PortierObservability {
  metrics?: boolean;
  /** An access log to a file, in this format (`common` is the default when `[accessLog]` names none). */
  accessLog?: 'json' | 'common';
}

/**
 * Portier with a Host rule and one middleware (a request header), as the target says,
 * plus the Prometheus metrics and/or an access log to a file when asked. Every instance gets
 * files of its own (named by port), so that starting one never rewrites a file another one watches.
 */
export function portier(
  dir: string,
  port: number,
  upstreamPort: number,
  bin: string,
  name = 'portier',
  observability: PortierObservability = {},
): ProxyUnderTest {
  const routes = join(dir, `portier-${port}-dynamic.toml`);
  const metrics = observability.metrics ? '[metrics.prometheus]\nentryPoint = "web"\n' : '';
  const accessLog = observability.accessLog
    ? `[accessLog]\nformat = "${observability.accessLog}"\nfilePath = "${dir}/portier-${port}-access.log"\n`
    : '';
  const config = join(dir, `portier-${port}.toml`);
  writeFileSync(
    config,
    `[entryPoints.web]\naddress = "127.0.0.1:${port}"\n[providers.file]\nfilename = "${routes}"\n[log]\nlevel = "WARN"\n${metrics}${accessLog}`,
  );
  writeFileSync(
    routes,
    `[http.routers.bench]
rule = "Host(\`${BENCH_HOST}\`)"
service = "up"
middlewares = ["hdr"]
[http.middlewares.hdr.headers.customRequestHeaders]
X-Bench = "1"
[[http.services.up.loadBalancer.servers]]
url = "http://127.0.0.1:${upstreamPort}"
`,
  );
  return { name, command: [process.execPath, bin, '-c', config] };
}
