import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { BENCH_HOST, type ProxyUnderTest } from './peers.js';

/** Starts a proxy under test pinned to `cpu`, so that its CPU never competes with the load generator. */
export function startPinned(proxy: ProxyUnderTest, cpu: string): ChildProcess {
  const [command, ...args] = proxy.command;
  return spawn('taskset', ['-c', cpu, command!, ...args], {
    env: { ...process.env, ...proxy.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function answers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host: BENCH_HOST } }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.end();
  });
}

export async function waitUntilServing(port: number, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await answers(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not start serving on port ${port}`);
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
