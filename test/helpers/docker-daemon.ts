import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { docker, ECHO_IMAGE } from './docker-env.js';

const run = promisify(execFile);

/**
 * A dockerd of the test's own (own socket, data root, bridge; no iptables), so a test can
 * restart the daemon without disturbing the machine's main one or other test files.
 */
export class PrivateDockerd {
  private readonly dir = mkdtempSync('/tmp/portier-dockerd-');
  private readonly bridge = `ptbr${randomBytes(3).toString('hex')}`;
  private readonly subnet = `172.31.${randomInt(100, 250)}`;
  private process: ChildProcess | undefined;
  readonly host = `unix://${join(this.dir, 'docker.sock')}`;

  async start(): Promise<void> {
    await run('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
    await run('ip', ['addr', 'add', `${this.subnet}.1/24`, 'dev', this.bridge]);
    await run('ip', ['link', 'set', this.bridge, 'up']);
    await this.launch();
    // The image comes from the main daemon: there is no registry here.
    const save = spawn('docker', ['save', ECHO_IMAGE], { stdio: ['ignore', 'pipe', 'ignore'] });
    const load = spawn('docker', ['-H', this.host, 'load'], { stdio: ['pipe', 'ignore', 'ignore'] });
    save.stdout.pipe(load.stdin);
    await new Promise((resolve, reject) =>
      load.on('exit', (code) => (code === 0 ? resolve(code) : reject(new Error(`docker load exited with ${code}`)))),
    );
  }

  /** Stops the daemon as `systemctl restart docker` would, and starts it again. */
  async restart(): Promise<void> {
    await this.halt();
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.halt().catch(() => undefined);
    await run('ip', ['link', 'del', this.bridge]).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The daemon's log so far, for failure messages. */
  log(): string {
    try {
      return readFileSync(join(this.dir, 'dockerd.log'), 'utf8').slice(-3000);
    } catch {
      return '';
    }
  }

  private async launch(): Promise<void> {
    const log = openSync(join(this.dir, 'dockerd.log'), 'a');
    this.process = spawn(
      'dockerd',
      [
        `--data-root=${join(this.dir, 'data')}`,
        `--exec-root=${join(this.dir, 'exec')}`,
        `--pidfile=${join(this.dir, 'dockerd.pid')}`,
        `--host=${this.host}`,
        `--bridge=${this.bridge}`,
        '--iptables=false',
        '--ip-masq=false',
        '--storage-driver=vfs',
      ],
      { stdio: ['ignore', log, log] },
    );
    for (let attempt = 0; attempt < 120; attempt++) {
      if (await docker(['info', '--format', '{{ .ID }}'], this.host).catch(() => undefined)) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`private dockerd did not start:\n${this.log()}`);
  }

  private async halt(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}
