import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFunctionsHarness, type FunctionsHarness } from '../helpers/functions-harness.js';

interface Activity {
  invocations: number;
  errors: number;
  p50Ms?: number;
  lastFailure?: { outcome: string; requestId: string };
  deployFailure?: { message: string; line?: number; column?: number };
  state: string;
}

/** The read endpoints and `activity` fields the dashboard's function pages are built on. */
describe('functions API for the dashboard', () => {
  let harness: FunctionsHarness;
  const get = async <T>(path: string) => {
    const res = await fetch(harness.url + path);
    return { status: res.status, body: (await res.json()) as T };
  };
  const activity = async (name: string) =>
    (await get<{ name: string; activity: Activity }[]>('/api/functions')).body.find((f) => f.name === name)!.activity;

  before(async () => {
    harness = await startFunctionsHarness();
  });
  after(() => harness.close());

  it('lists the versions newest first and serves the source of each', async () => {
    const v1 = 'export default () => "one";\n';
    const v2 = 'export default () => "two";\n';
    const first = await harness.deploy('pick', v1);
    const second = await harness.deploy('pick', v2);
    const versions = await get<{ versions: { version: string; current: boolean; createdAt: string }[] }>(
      '/api/functions/pick/versions',
    );
    assert.deepEqual(
      versions.body.versions.map((v) => [v.version, v.current]),
      [
        [second.body.version, true],
        [first.body.version, false],
      ],
    );
    assert.ok(!Number.isNaN(Date.parse(versions.body.versions[0]!.createdAt)));
    assert.equal((await get<{ source: string }>('/api/functions/pick/source')).body.source, v2);
    const old = await get<{ source: string }>(`/api/functions/pick/source?version=${String(first.body.version)}`);
    assert.equal(old.body.source, v1);
  });

  it("does not serve a version of another function's history by its id", async () => {
    const other = await harness.deploy('secretive', 'export default () => "mine";');
    const res = await get<{ error: string }>(`/api/functions/pick/source?version=${String(other.body.version)}`);
    assert.equal(res.status, 404);
    assert.match(res.body.error, /"pick" has no version/);
  });

  it('counts calls and faults, and marks a function failing while its latest call is a fault', async () => {
    await harness.deploy(
      'flaky',
      'export const route = "/{what}";\nexport default (_req: Request, ctx: { params: { what: string } }) => {\n  if (ctx.params.what === "boom") throw new Error("boom");\n  return "fine";\n};',
    );
    assert.equal((await fetch(harness.url + '/api/flaky/ok')).status, 200);
    assert.equal(
      (await fetch(harness.url + '/api/flaky/boom', { headers: { 'x-request-id': 'req-boom' } })).status,
      500,
    );
    let seen = await activity('flaky');
    assert.equal(seen.invocations, 2);
    assert.equal(seen.errors, 1);
    assert.equal(seen.state, 'failing');
    assert.deepEqual([seen.lastFailure?.outcome, seen.lastFailure?.requestId], ['error', 'req-boom']);
    assert.equal(typeof seen.p50Ms, 'number');
    await fetch(harness.url + '/api/flaky/ok');
    seen = await activity('flaky');
    assert.equal(seen.state, 'ok', 'a good call after the fault');
    assert.equal(seen.errors, 1);
  });

  it('clears "failing" when a new version is deployed, before its first call', async () => {
    await harness.deploy('crashy', 'export default () => { process.exit(1); };');
    assert.equal((await fetch(harness.url + '/api/crashy/')).status, 502);
    const crashed = await activity('crashy');
    assert.deepEqual([crashed.state, crashed.lastFailure?.outcome], ['failing', 'crash']);
    await harness.deploy('crashy', 'export default () => "fixed";');
    const fixed = await activity('crashy');
    assert.equal(fixed.state, 'ok');
    assert.equal(fixed.errors, 1, 'the count since start is kept');
  });

  it('remembers a deploy refused at load time, without a line', async () => {
    const refused = await harness.deploy('crashy', 'throw new Error("no config at load");\nexport default () => "x";');
    assert.equal(refused.status, 400);
    const failed = await activity('crashy');
    assert.equal(failed.state, 'deploy-failed');
    assert.match(failed.deployFailure?.message ?? '', /failed to load: .*no config at load/);
    assert.equal(failed.deployFailure?.line, undefined);
    assert.equal((await (await fetch(harness.url + '/api/crashy/')).text()).trim(), 'fixed');
  });

  it('remembers a refused deploy with its line and column until a deploy succeeds, and changes nothing', async () => {
    const before = (await get<{ version: string }>('/api/functions/pick')).body.version;
    const refused = await harness.deploy('pick', 'export default () => {\n  return (;\n};\n');
    assert.equal(refused.status, 400);
    const failed = await activity('pick');
    assert.equal(failed.state, 'deploy-failed');
    assert.deepEqual(
      [failed.deployFailure?.line, failed.deployFailure?.column],
      [refused.body.line, refused.body.column],
    );
    assert.equal(failed.deployFailure?.line, 2);
    assert.equal((await get<{ version: string }>('/api/functions/pick')).body.version, before);
    await harness.deploy('pick', 'export default () => "three";');
    assert.equal((await activity('pick')).state, 'ok');
    assert.equal((await activity('pick')).deployFailure, undefined);
  });
});
