import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../bin/portier.js');

/** A free TCP port on loopback (closed again before returning; fine for tests). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * Free loopback ports for a `web` entry point and the API's `traefik` one (insecure API, no
 * dashboard), with the portier.yml lines that declare them.
 */
export async function webAndApiEntryPoints(): Promise<{ web: string; api: string; staticLines: string[] }> {
  const [webPort, apiPort] = [await freePort(), await freePort()];
  return {
    web: `http://127.0.0.1:${webPort}`,
    api: `http://127.0.0.1:${apiPort}`,
    staticLines: [
      'entryPoints:',
      `  web: { address: "127.0.0.1:${webPort}" }`,
      `  traefik: { address: "127.0.0.1:${apiPort}" }`,
      'api: { insecure: true, dashboard: false }',
    ],
  };
}

/** A fresh temp directory with the given files written into it. */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'portier-test-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export interface RunningPortier {
  process: ChildProcess;
  /** Everything the process wrote to stderr (its JSON log) so far. */
  logs(): string;
  /** Sends SIGTERM and waits for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the real `portier` CLI (the built dist/, as users run it) and waits until it logs that a
 * configuration was applied, or `readyPattern` appears in its log.
 */
export async function startPortier(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; readyPattern?: RegExp; timeoutMs?: number } = {},
): Promise<RunningPortier> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, PORTIER_LOG_LEVEL: 'debug', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const ready = options.readyPattern ?? /configuration applied/;
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`portier did not start in time; log:\n${stderr}\n${stdout}`)),
      options.timeoutMs ?? 15_000,
    );
    const check = () => {
      if (ready.test(stderr) || ready.test(stdout)) {
        clearTimeout(timer);
        done();
      }
    };
    child.stderr.on('data', check);
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`portier exited with ${code}; log:\n${stderr}\n${stdout}`));
    });
  });
  return {
    process: child,
    logs: () => stderr + stdout,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Polls `probe` until it returns true or the time is up. */
export async function waitFor(probe: () => Promise<boolean> | boolean, timeoutMs = 5000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
