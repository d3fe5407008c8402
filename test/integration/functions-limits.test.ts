import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFunctionsHarness, type FunctionsHarness } from '../helpers/functions-harness.js';

const SUM =
  'export const route = "/{a}/{b}";\nexport default (r: Request, ctx: any) => ({ result: Number(ctx.params.a) + Number(ctx.params.b) });';

describe('function isolation and limits', () => {
  let h: FunctionsHarness;
  before(async () => {
    h = await startFunctionsHarness({ timeout: '1s', memoryLimitMb: 32, concurrency: 2, maxBodyBytes: 1000 });
    await deploy('sum', SUM);
  });
  after(() => h.close());

  const deploy = async (name: string, source: string) => assert.equal((await h.deploy(name, source)).status, 201);
  const call = (path: string, init?: RequestInit) => fetch(`${h.url}/api${path}`, init);
  const lastRecord = (name: string) => h.runtime.core.log.recent(name).at(-1);
  const sumStillServes = async () => assert.equal(await (await call('/sum/2/3')).text(), '{"result":5}');

  it('ends an infinite loop at the timeout with 504, and the next call gets a fresh worker', async () => {
    await deploy('spin', 'export default (r: Request, ctx: any) => { if (ctx.query.spin) for (;;) {} return "ok"; };');
    const started = Date.now();
    const [looping, other] = await Promise.all([call('/spin?spin=1'), sumStillServes()]);
    assert.equal(looping.status, 504);
    assert.ok(Date.now() - started < 5000);
    assert.equal(lastRecord('spin')?.outcome, 'timeout');
    void other;
    assert.equal(await (await call('/spin')).text(), 'ok');
    assert.equal(lastRecord('spin')?.cold, true);
  });

  it('ends a hung await at the timeout with 504', async () => {
    await deploy('hang', 'export default () => new Promise(() => {});');
    const res = await call('/hang');
    assert.equal(res.status, 504);
    assert.equal(await res.text(), 'the function timed out\n');
    assert.equal(lastRecord('hang')?.outcome, 'timeout');
  });

  it('times out each call in flight at its own deadline', async () => {
    await deploy('stall', 'export default () => new Promise(() => {});');
    const timed = async (delayMs: number) => {
      await new Promise((r) => setTimeout(r, delayMs));
      const started = Date.now();
      const res = await call('/stall');
      return { status: res.status, ms: Date.now() - started };
    };
    const calls = await Promise.all([timed(0), timed(400)]);
    for (const { status, ms } of calls) {
      assert.equal(status, 504);
      // The second call's deadline is 400 ms after the first's: one early sweep must not end it.
      assert.ok(ms >= 950 && ms < 2500, `timed out after ${ms} ms, expected about 1000`);
    }
  });

  it('fires ctx.signal at the timeout', async () => {
    // The timed-out worker lives on until its other call is answered, which reports the abort.
    await deploy(
      'abortable',
      `let aborted = false;
       export default async (r: Request, ctx: any) => {
         if (ctx.query.wait) { ctx.signal.addEventListener("abort", () => { aborted = ctx.signal.reason.name; }); return new Promise(() => {}); }
         while (!aborted) await new Promise((done) => setTimeout(done, 10));
         return String(aborted);
       };`,
    );
    const waiting = call('/abortable?wait=1');
    // Its own deadline comes 600 ms after the first call's: it times out unless the abort reaches it.
    await new Promise((r) => setTimeout(r, 600));
    const watcher = await call('/abortable');
    assert.equal((await waiting).status, 504);
    assert.equal(await watcher.text(), 'TimeoutError');
  });

  it('isolates a crash: only the crashing worker dies and is replaced on the next call', async () => {
    await deploy(
      'crash',
      `export default (r: Request, ctx: any) => {
         if (ctx.query.exit) process.exit(3);
         if (ctx.query.throw) { setTimeout(() => { throw new Error("async boom"); }); return new Promise(() => {}); }
         return "alive";
       };`,
    );
    for (const how of ['exit', 'throw']) {
      const res = await call(`/crash?${how}=1`);
      assert.equal(res.status, 502, how);
      assert.equal(lastRecord('crash')?.outcome, 'crash');
      await sumStillServes();
      assert.equal(await (await call('/crash')).text(), 'alive');
    }
  });

  it('answers 429 beyond the concurrency cap', async () => {
    await deploy('slow', 'export default () => new Promise((done) => setTimeout(() => done("done"), 150));');
    await call('/slow');
    const statuses = (await Promise.all([1, 2, 3].map(() => call('/slow')))).map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 429]);
    const busy = h.runtime.core.log.recent('slow').find((r) => r.outcome === 'busy');
    assert.equal(busy?.status, 429);
    assert.equal((await call('/slow')).status, 200);
  });

  it('caps request and response bodies', async () => {
    await deploy(
      'size',
      'export default async (r: Request, ctx: any) => "x".repeat(Number(ctx.query.n ?? (await r.text()).length));',
    );
    assert.equal(await (await call('/size', { method: 'POST', body: 'y'.repeat(1000) })).text(), 'x'.repeat(1000));
    assert.equal((await call('/size', { method: 'POST', body: 'y'.repeat(1001) })).status, 413);
    assert.equal(lastRecord('size')?.outcome, 'request-too-large');
    const chunked = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode('z'.repeat(300)));
        controller.close();
      },
    });
    assert.equal((await call('/size', { method: 'POST', body: chunked, duplex: 'half' })).status, 413);
    assert.equal((await call('/size?n=1001')).status, 502);
    assert.equal(lastRecord('size')?.outcome, 'response-too-large');
    assert.equal((await call('/size?n=10')).status, 200);
  });

  it('shows a function only its own env, never the proxy environment, and no way to signal the proxy', async () => {
    process.env.PORTIER_TEST_SECRET = 'do-not-leak';
    try {
      await deploy(
        'peek',
        'export default () => ({ env: { ...process.env }, secret: process.env.PORTIER_TEST_SECRET ?? null });',
      );
      assert.deepEqual(await (await call('/peek')).json(), { env: {}, secret: null });
      await deploy(
        'escape',
        'export default () => { try { process.kill(process.pid, "SIGTERM"); return "killed"; } catch (e: any) { return e.message; } };',
      );
      assert.equal(await (await call('/escape')).text(), 'process.kill is not available to functions');
    } finally {
      delete process.env.PORTIER_TEST_SECRET;
    }
  });

  it('kills only the worker of a function that runs out of memory', async () => {
    // A generous timeout: near its heap limit V8 collects garbage for a while before giving up.
    const roomy = await startFunctionsHarness({ timeout: '30s', memoryLimitMb: 32 });
    try {
      assert.equal((await roomy.deploy('sum', SUM)).status, 201);
      const hog =
        'export default () => { const keep: number[][] = []; for (;;) keep.push(new Array(1000000).fill(1.5)); };';
      assert.equal((await roomy.deploy('hog', hog)).status, 201);
      const res = await fetch(`${roomy.url}/api/hog`);
      assert.equal(res.status, 502);
      assert.equal(roomy.runtime.core.log.recent('hog').at(-1)?.outcome, 'out-of-memory');
      assert.equal(await (await fetch(`${roomy.url}/api/sum/2/3`)).text(), '{"result":5}');
    } finally {
      await roomy.close();
    }
  });
});
