import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { freePort, tempDir, waitFor } from '../helpers/portier.js';

const BIN = resolve(import.meta.dirname, '../../bin/portier.js');

describe('log.filePath and log.format through the binary', () => {
  it('writes Traefik common-format lines to the file, from start to stop', async () => {
    const dir = tempDir({
      'portier.yml': [
        'entryPoints:',
        `  web: { address: "127.0.0.1:${await freePort()}" }`,
        'log: { level: INFO, format: common, filePath: logs/portier.log }',
        '',
      ].join('\n'),
    });
    const child = spawn(process.execPath, [BIN, '-c', join(dir, 'portier.yml')], { stdio: 'ignore' });
    const exited = new Promise((done) => child.once('exit', done));
    const log = () => readFileSync(join(dir, 'logs/portier.log'), 'utf8');
    try {
      await waitFor(() => /portier started/.test(log()), 10_000, 'the start line in log.filePath');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    const lines = log().trim().split('\n');
    assert.match(
      lines.find((line) => line.includes('portier started'))!,
      /^\d{4}-\d\d-\d\dT[\d:.]+Z INF portier started /,
    );
    assert.match(lines.at(-1)!, / INF stopped$/);
    assert.ok(
      lines.every((line) => !line.startsWith('{')),
      'no JSON line in common format',
    );
  });

  it('reopens the log and access-log files on SIGUSR1, after logrotate moved them', async () => {
    const port = await freePort();
    const dir = tempDir({
      'portier.yml': [
        'entryPoints:',
        `  web: { address: "127.0.0.1:${port}" }`,
        'log: { level: INFO, filePath: portier.log }',
        'accessLog: { filePath: access.log, bufferingSize: 1 }',
        '',
      ].join('\n'),
    });
    const child = spawn(process.execPath, [BIN, '-c', join(dir, 'portier.yml')], { stdio: 'ignore' });
    const exited = new Promise((done) => child.once('exit', done));
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    const request = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`)).status;
    try {
      await waitFor(async () => (await request('/before')) === 404, 10_000, 'portier to answer');
      await waitFor(() => read('access.log').includes('/before'), 5000, 'the first access-log line');
      renameSync(join(dir, 'access.log'), join(dir, 'access.log.1'));
      renameSync(join(dir, 'portier.log'), join(dir, 'portier.log.1'));
      child.kill('SIGUSR1');
      await waitFor(() => existsSync(join(dir, 'access.log')), 5000, 'a new access.log');
      await request('/after');
      await waitFor(() => read('access.log').includes('/after'), 5000, 'the second access-log line');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    assert.doesNotMatch(read('access.log.1'), /\/after/);
    assert.match(read('portier.log.1'), /portier started/);
    assert.match(read('portier.log'), /"msg":"stopped"/);
  });

  it('refuses to start when the log file cannot be opened, naming log.filePath', () => {
    const dir = tempDir({ 'portier.yml': 'log: { filePath: portier.yml/inside.log }\n' });
    const run = spawnSync(process.execPath, [BIN, '-c', join(dir, 'portier.yml')], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /log\.filePath: cannot open the log file .*point log\.filePath at a writable file/);
  });
});
