import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Provider, ProviderSnapshot } from '../../src/providers/types.js';

const run = promisify(execFile);

/** The echo image built by scripts/services/ensure-docker.sh. */
export const ECHO_IMAGE = 'portier-test/echo:1';

export async function docker(args: string[], host?: string): Promise<string> {
  const { stdout } = await run('docker', host ? ['-H', host, ...args] : args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** Whether a daemon answers and the echo image exists (the tests skip otherwise, saying why). */
export async function dockerReady(): Promise<string | undefined> {
  try {
    await docker(['image', 'inspect', ECHO_IMAGE]);
    return undefined;
  } catch {
    return 'no Docker daemon or no echo image: run scripts/services/ensure-docker.sh';
  }
}

export interface RunOptions {
  labels?: Record<string, string>;
  network?: string;
  env?: Record<string, string>;
  /** Extra `docker run` arguments (health checks, --expose…). */
  args?: string[];
  /** The command to run instead of the image's HTTP echo server (e.g. a raw TCP `nc`). */
  command?: string[];
}

/**
 * Creates containers, networks, compose projects and Swarm services for one test file, all
 * labelled `portier.test=1` and `portier.run=<run id>`, and removes every one of them in
 * `cleanup()` (call it from `after`, so it also runs when a test fails). A provider given
 * `constraints: sandbox.constraint` sees only this sandbox's workloads, so test files running
 * side by side do not see each other's containers.
 */
export class DockerSandbox {
  readonly id = randomBytes(3).toString('hex');
  private readonly containers = new Set<string>();
  private readonly networks = new Set<string>();
  private readonly services = new Set<string>();
  private readonly projects = new Map<string, string>();

  constructor(readonly host?: string) {}

  get constraint(): string {
    return `Label(\`portier.run\`, \`${this.id}\`)`;
  }

  /** A name unique to this run: `<base>-<run id>`. */
  name(base: string): string {
    return `${base}-${this.id}`;
  }

  async run(name: string, options: RunOptions = {}): Promise<string> {
    const args = ['run', '-d', '--name', name, '-l', 'portier.test=1', '-l', `portier.run=${this.id}`];
    for (const [key, value] of Object.entries(options.labels ?? {})) args.push('-l', `${key}=${value}`);
    for (const [key, value] of Object.entries(options.env ?? {})) args.push('-e', `${key}=${value}`);
    if (options.network) args.push('--network', options.network);
    this.containers.add(name);
    return docker([...args, ...(options.args ?? []), ECHO_IMAGE, ...(options.command ?? [])], this.host);
  }

  async network(name: string, driver?: string): Promise<void> {
    this.networks.add(name);
    const args = ['network', 'create', '--label', 'portier.test=1'];
    if (driver) args.push('--driver', driver, '--attachable');
    await docker([...args, name], this.host);
  }

  /** Writes a compose file for `project` and runs `docker-compose up -d` with extra args. */
  async composeUp(project: string, yaml: string, args: string[] = []): Promise<void> {
    let dir = this.projects.get(project);
    if (!dir) {
      dir = mkdtempSync(join(tmpdir(), 'portier-compose-'));
      this.projects.set(project, dir);
    }
    writeFileSync(join(dir, 'docker-compose.yml'), yaml);
    await run('docker-compose', ['-p', project, 'up', '-d', ...args], { cwd: dir });
  }

  async service(name: string, args: string[]): Promise<void> {
    this.services.add(name);
    const labels = ['--label', 'portier.test=1', '--label', `portier.run=${this.id}`];
    await docker(['service', 'create', '-d', '--name', name, ...labels, ...args], this.host);
  }

  async cleanup(): Promise<void> {
    const quietly = (work: Promise<unknown>) => work.catch(() => undefined);
    for (const [project, dir] of this.projects) {
      await quietly(run('docker-compose', ['-p', project, 'down', '-t', '1', '--remove-orphans'], { cwd: dir }));
      rmSync(dir, { recursive: true, force: true });
    }
    if (this.services.size > 0) await quietly(docker(['service', 'rm', ...this.services], this.host));
    if (this.containers.size > 0) await quietly(docker(['rm', '-f', '-v', ...this.containers], this.host));
    for (const network of this.networks) await quietly(removeNetwork(network, this.host));
    this.projects.clear();
    this.services.clear();
    this.containers.clear();
    this.networks.clear();
  }
}

/** Swarm tasks release their network endpoints a moment after the service is removed. */
async function removeNetwork(name: string, host?: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await docker(['network', 'rm', name], host);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Records a provider's snapshots and waits for one that satisfies a condition. */
export class SnapshotRecorder {
  readonly snapshots: ProviderSnapshot[] = [];
  private waiters: { test: (s: ProviderSnapshot) => boolean; resolve: (s: ProviderSnapshot) => void }[] = [];

  constructor(readonly provider: Provider) {}

  async start(): Promise<void> {
    await this.provider.start((snapshot) => {
      this.snapshots.push(snapshot);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.test(snapshot)) return true;
        waiter.resolve(snapshot);
        return false;
      });
    });
  }

  get latest(): ProviderSnapshot | undefined {
    return this.snapshots[this.snapshots.length - 1];
  }

  /** Resolves with the latest snapshot once it satisfies `test`; rejects after `timeoutMs`. */
  waitFor(test: (snapshot: ProviderSnapshot) => boolean, what: string, timeoutMs = 15_000): Promise<ProviderSnapshot> {
    const latest = this.latest;
    if (latest && test(latest)) return Promise.resolve(latest);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out waiting for ${what}; latest snapshot: ${JSON.stringify(this.latest)}`));
      }, timeoutMs);
      this.waiters.push({
        test,
        resolve: (snapshot) => {
          clearTimeout(timer);
          resolve(snapshot);
        },
      });
    });
  }
}

/** The server URLs of a service in a snapshot, sorted. */
export function serverUrls(snapshot: ProviderSnapshot, service: string): string[] {
  return (snapshot.config.http.services[service]?.loadBalancer?.servers ?? []).map((server) => server.url).sort();
}

export async function containerIp(name: string, network = 'bridge', host?: string): Promise<string> {
  return docker(['inspect', '-f', `{{ (index .NetworkSettings.Networks "${network}").IPAddress }}`, name], host);
}
