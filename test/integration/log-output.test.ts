import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
