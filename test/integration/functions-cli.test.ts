import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startDevServer } from '../../src/cli/functions-dev.js';
import { runFunctionsCli } from '../helpers/functions-cli.js';
import { startFunctionsHarness, type FunctionsHarness } from '../helpers/functions-harness.js';

const SUM_FILE = fileURLToPath(new URL('../../examples/functions/sum.ts', import.meta.url));

describe('portier functions against a running API', () => {
  let h: FunctionsHarness;
  let dir: string;
  before(async () => {
    h = await startFunctionsHarness();
    dir = await mkdtemp(join(tmpdir(), 'portier-functions-cli-'));
  });
  after(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('deploys, invokes, lists, shows logs, rolls back and removes', async () => {
    const deploy = await runFunctionsCli('deploy', 'sum', SUM_FILE, '--api', h.url);
    assert.equal(deploy.code, 0, deploy.stderr);
    assert.match(deploy.stdout, /^deployed sum version [0-9a-f]{12} \(compile/);
    assert.equal(await (await fetch(`${h.url}/api/sum/1/3`)).text(), '{"result":4}');

    const invoke = await runFunctionsCli('invoke', 'sum', '/20/22', '--api', h.url);
    assert.equal(invoke.code, 0, invoke.stderr);
    assert.equal(invoke.stdout, '{"result":42}');

    const v2 = join(dir, 'sum.ts');
    await writeFile(
      v2,
      'export const route = "/{a}/{b}";\nexport default (r: Request, ctx: any) => ({ result: ctx.params.a + ctx.params.b });',
    );
    assert.equal((await runFunctionsCli('deploy', 'sum', v2, '--api', h.url)).code, 0);
    assert.equal(await (await fetch(`${h.url}/api/sum/1/3`)).text(), '{"result":"13"}');

    const list = await runFunctionsCli('list', '--api', h.url);
    assert.match(list.stdout, /^NAME\s+VERSION\s+VERSIONS\s+UPDATED\s+LOADED\nsum\s+[0-9a-f]{12}\s+2\s/);

    const logs = await runFunctionsCli('logs', 'sum', '--api', h.url);
    assert.match(logs.stdout, /200 ok {2}\((cold|warm).*\{"a":"1","b":"3"\}/);

    const rollback = await runFunctionsCli('rollback', 'sum', '--api', h.url);
    assert.equal(rollback.code, 0);
    assert.match(rollback.stdout, /^sum is back at version [0-9a-f]{12}/);
    assert.equal(await (await fetch(`${h.url}/api/sum/1/3`)).text(), '{"result":4}');

    assert.equal((await runFunctionsCli('rm', 'sum', '--api', h.url)).code, 0);
    const gone = await runFunctionsCli('rm', 'sum', '--api', h.url);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /no function named "sum"/);
  });

  it('prints a compile error with its position and a caret, and exits 1', async () => {
    const bad = join(dir, 'bad.ts');
    await writeFile(bad, 'export default (x: number => 1;\n');
    const run = await runFunctionsCli('deploy', 'bad', bad, '--api', h.url);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /bad\.ts:1:27: Expected "\)" but found "=>"\n {4}export default \(x: number => 1;\n {4}\s{26}\^/,
    );
  });

  it('runs a local file once with invoke, without any server', async () => {
    const run = await runFunctionsCli('invoke', SUM_FILE, '/2/5');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '{"result":7}');
    assert.match(run.stderr, /200 ok/);
  });

  it('has --help on each subcommand and explains usage errors', async () => {
    for (const command of ['deploy', 'list', 'logs', 'rm', 'rollback', 'invoke', 'dev']) {
      const help = await runFunctionsCli(command, '--help');
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`^Usage: portier functions ${command}`));
    }
    const missing = await runFunctionsCli('deploy', 'sum');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing arguments/);
    assert.equal((await runFunctionsCli('frobnicate')).code, 2);
    const unreachable = await runFunctionsCli('list', '--api', 'http://127.0.0.1:9');
    assert.match(unreachable.stderr, /cannot reach the Portier API at http:\/\/127\.0\.0\.1:9/);
  });
});

describe('portier functions dev', () => {
  it('serves a file, reloads it on save, keeps the last good version on a compile error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portier-functions-dev-'));
    const file = join(dir, 'hello.ts');
    await writeFile(
      file,
      'export const route = "/{who}";\nexport default (r: Request, ctx: any) => { ctx.log("hi", ctx.params.who); return "v1 " + ctx.params.who; };',
    );
    const printed: string[] = [];
    const { log, error } = console;
    console.log = (...a: unknown[]) => printed.push(a.join(' '));
    console.error = (...a: unknown[]) => printed.push(a.join(' '));
    const dev = await startDevServer({ file, name: 'hello', port: 0, host: '127.0.0.1', env: {} });
    try {
      assert.equal(await (await fetch(`${dev.url}/ann`)).text(), 'v1 ann');
      assert.match(printed.join('\n'), /GET \/ann → 200 v1 ann\n.* 200 ok {2}\(.* ms\) \{"who":"ann"\}\n {4}hi ann/);

      await writeFile(file, 'export default (r: Request => ;');
      await waitFor(() => printed.some((l) => /hello\.ts:1:/.test(l)));
      assert.equal(await (await fetch(`${dev.url}/bob`)).text(), 'v1 bob');

      await writeFile(
        file,
        'export const route = "/{who}";\nexport default (r: Request, ctx: any) => "v2 " + ctx.params.who;',
      );
      await waitFor(async () => (await (await fetch(`${dev.url}/cy`)).text()) === 'v2 cy');
    } finally {
      console.log = log;
      console.error = error;
      await dev.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 30));
  }
}
