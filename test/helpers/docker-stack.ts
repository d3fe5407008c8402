import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { docker } from './docker-env.js';

const run = promisify(execFile);
const STACK_FILE = resolve(import.meta.dirname, '../../deploy/portier-stack.yml');

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

/** deploy/portier-stack.yml, deployed under a name of the test's own and removed with everything it made. */
export class PortierStack {
  constructor(
    readonly name: string,
    readonly settings: StackSettings,
  ) {}

  async deploy(): Promise<void> {
    const { portierImage, redisImage, network, httpPort, apiPort } = this.settings;
    const env = {
      ...process.env,
      PORTIER_IMAGE: portierImage,
      REDIS_IMAGE: redisImage,
      PORTIER_NETWORK: network,
      PORTIER_HTTP_PORT: String(httpPort),
      PORTIER_API_PORT: String(apiPort),
    };
    // The images exist only on this node: asking a registry for their digests would fail.
    await run('docker', ['stack', 'deploy', '--resolve-image', 'never', '-c', STACK_FILE, this.name], { env });
  }

  /** Runs a command in the running task container of one of the stack's services. */
  async exec(service: 'portier' | 'redis', command: string[]): Promise<string> {
    const fullName = `${this.name}_${service}`;
    const [container] = await taskContainers(fullName);
    if (!container) throw new Error(`no running task of ${fullName}`);
    return docker(['exec', container, ...command]);
  }

  /** Removes the stack, then its volume once the last task container is gone. */
  async remove(): Promise<void> {
    await docker(['stack', 'rm', this.name]).catch(() => undefined);
    for (let attempt = 0; attempt < 120; attempt++) {
      const left = await docker(['ps', '-aq', '--filter', `label=com.docker.stack.namespace=${this.name}`]);
      const networks = await docker(['network', 'ls', '-q', '--filter', `name=^${this.settings.network}$`]);
      if (!left && !networks) break;
      await new Promise((done) => setTimeout(done, 250));
    }
    await docker(['volume', 'rm', `${this.name}_redis-data`]).catch(() => undefined);
  }
}

/** The running task containers of a service; the echo image answers with these (its hostname). */
export async function taskContainers(service: string): Promise<string[]> {
  const ids = await docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`]);
  return ids.split('\n').filter(Boolean).sort();
}
