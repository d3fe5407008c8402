import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { docker } from './docker-env.js';

const run = promisify(execFile);
const DEPLOY = resolve(import.meta.dirname, '../../deploy');
const STACK_FILE = resolve(DEPLOY, 'portier-stack.yml');

/**
 * Makes this daemon a one-node swarm manager unless it already is one. The returned function
 * puts things back as they were: it leaves only a swarm it created (and removes the bridge Swarm
 * creates on init and leaves behind).
 */
export async function ensureSwarm(): Promise<() => Promise<void>> {
  if ((await docker(['info', '--format', '{{ .Swarm.LocalNodeState }}'])) === 'active') return async () => undefined;
  await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
  return async () => {
    await docker(['swarm', 'leave', '--force']).catch(() => undefined);
    await docker(['network', 'rm', 'docker_gwbridge']).catch(() => undefined);
  };
}

export interface StackSettings {
  portierImage: string;
  redisImage: string;
  /** The overlay network the stack creates and Portier routes on. */
  network: string;
  httpPort: number;
  apiPort: number;
}

/**
 * deploy/portier-stack.yml, deployed under a name of the test's own with a Redis password of its
 * own (deploy/redis-secrets.sh into a temp folder), and removed with everything it made.
 */
export class PortierStack {
  private readonly secrets = mkdtempSync(join(tmpdir(), 'portier-stack-secrets-'));

  constructor(
    readonly name: string,
    readonly settings: StackSettings,
  ) {}

  /** The network only Portier and Redis share (the stack file's `store`). */
  get storeNetwork(): string {
    return `${this.name}_store`;
  }

  /** The password deploy/redis-secrets.sh made for this stack's Redis. */
  get redisPassword(): string {
    return /^requirepass (\S+)$/m.exec(readFileSync(join(this.secrets, 'redis.conf'), 'utf8'))![1]!;
  }

  async deploy(): Promise<void> {
    await run('bash', [resolve(DEPLOY, 'redis-secrets.sh'), this.secrets]);
    const { portierImage, redisImage, network, httpPort, apiPort } = this.settings;
    const env = {
      ...process.env,
      PORTIER_IMAGE: portierImage,
      REDIS_IMAGE: redisImage,
      PORTIER_NETWORK: network,
      PORTIER_HTTP_PORT: String(httpPort),
      PORTIER_API_PORT: String(apiPort),
      PORTIER_SECRETS: this.secrets,
    };
    // The images exist only on this node: asking a registry for their digests would fail.
    await run('docker', ['stack', 'deploy', '--resolve-image', 'never', '-c', STACK_FILE, this.name], { env });
  }

  /** Runs a command in the running task container of one of the stack's services. */
  async exec(service: 'portier' | 'redis', command: string[], env: Record<string, string> = {}): Promise<string> {
    const fullName = `${this.name}_${service}`;
    const [container] = await taskContainers(fullName);
    if (!container) throw new Error(`no running task of ${fullName}`);
    const envArgs = Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    return docker(['exec', ...envArgs, container, ...command]);
  }

  /** redis-cli in the stack's Redis task, logged in (REDISCLI_AUTH keeps the password off its command line). */
  redisCli(args: string[]): Promise<string> {
    return this.exec('redis', ['redis-cli', ...args], { REDISCLI_AUTH: this.redisPassword });
  }

  /** Removes the stack (services, networks, secrets), then its volume once the last task container is gone. */
  async remove(): Promise<void> {
    await docker(['stack', 'rm', this.name]).catch(() => undefined);
    const ofStack = `label=com.docker.stack.namespace=${this.name}`;
    for (let attempt = 0; attempt < 120; attempt++) {
      const left = await docker(['ps', '-aq', '--filter', ofStack]);
      const networks = await docker(['network', 'ls', '-q', '--filter', ofStack]);
      const edge = await docker(['network', 'ls', '-q', '--filter', `name=^${this.settings.network}$`]);
      if (!left && !networks && !edge) break;
      await new Promise((done) => setTimeout(done, 250));
    }
    await docker(['volume', 'rm', `${this.name}_redis-data`]).catch(() => undefined);
    rmSync(this.secrets, { recursive: true, force: true });
  }
}

/** The running task containers of a service; the echo image answers with these (its hostname). */
export async function taskContainers(service: string): Promise<string[]> {
  const ids = await docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`]);
  return ids.split('\n').filter(Boolean).sort();
}
