/**
 * The user path with the real `portier` binary: deploy with `portier functions deploy`,
 * route `/api` to `functions@internal` behind stripPrefix, call it, redeploy under traffic,
 * roll back, list, read logs, remove.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startPortier, tempDir, type RunningPortier, webAndApiEntryPoints } from '../helpers/portier.js';

const BIN = resolve(import.meta.dirname, '../../bin/portier.js');
const SUM = resolve(import.meta.dirname, '../../examples/functions/sum.ts');
const run = promisify(execFile);

let portier: RunningPortier;
let dir: string;
let web: string;
let api: string;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'functions', ...args, '--api', api]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

before(async () => {
  let staticLines: string[];
  ({ web, api, staticLines } = await webAndApiEntryPoints());
  dir = tempDir({
    'portier.yml': [
      ...staticLines,
      'providers:',
      '  file: { filename: dynamic.yml }',
      'functions:',
      '  store: { directory: store }',
      '',
    ].join('\n'),
    'dynamic.yml': [
      'http:',
      '  routers:',
      '    functions:',
      '      rule: "PathPrefix(`/api`)"',
      '      entryPoints: [web]',
      '      middlewares: [strip-api]',
      '      service: functions@internal',
      '  middlewares:',
      '    strip-api:',
      '      stripPrefix: { prefixes: [/api] }',
      '',
    ].join('\n'),
  });
  portier = await startPortier(['-c', join(dir, 'portier.yml')]);
});

after(async () => {
  await portier?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('deploy, call through the router, redeploy under traffic, roll back, list, logs, rm', async () => {
  const deploy = await cli('deploy', 'sum', SUM);
  assert.equal(deploy.code, 0, deploy.stderr);
  assert.match(deploy.stdout, /^deployed sum version [0-9a-f]{12}/);

  const res = await fetch(`${web}/api/sum/1/3`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.equal(await res.text(), '{"result":4}');

  const v2 = join(dir, 'sum-v2.ts');
  await writeFile(
    v2,
    'export const route = "/{a}/{b}";\nexport default (r: Request, ctx: any) => ({ result: Number(ctx.params.a) * Number(ctx.params.b), v: 2 });',
  );
  let running = true;
  const statuses: number[] = [];
  const traffic = (async () => {
    while (running) statuses.push((await fetch(`${web}/api/sum/2/3`)).status);
  })();
  const second = await cli('deploy', 'sum', v2);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(await (await fetch(`${web}/api/sum/2/3`)).text(), '{"result":6,"v":2}');
  running = false;
  await traffic;
  assert.ok(statuses.length > 0);
  assert.deepEqual([...new Set(statuses)], [200], 'no failed request during the swap');

  const rollback = await cli('rollback', 'sum');
  assert.equal(rollback.code, 0, rollback.stderr);
  assert.equal(await (await fetch(`${web}/api/sum/2/3`)).text(), '{"result":5}');

  const list = await cli('list');
  assert.match(list.stdout, /\nsum\s+[0-9a-f]{12}\s+1\s/);
  const logs = await cli('logs', 'sum');
  assert.match(logs.stdout, /200 ok/);
  assert.match(logs.stdout, /\{"a":"2","b":"3"\}/);

  assert.equal((await cli('rm', 'sum')).code, 0);
  assert.equal((await fetch(`${web}/api/sum/1/3`)).status, 404);
});
