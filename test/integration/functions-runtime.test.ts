import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { makeStoreDir, startFunctionsHarness, type FunctionsHarness } from '../helpers/functions-harness.js';

const SUM = await readFile(new URL('../../examples/functions/sum.ts', import.meta.url), 'utf8');
const versioned = (n: number) => `export const route = "/";\nexport default () => ({ version: ${n} });`;

describe('functions behind a real HTTP server', () => {
  let h: FunctionsHarness;
  before(async () => {
    h = await startFunctionsHarness({ env: { ctx: { GREETING: 'hello' } } });
  });
  after(() => h.close());

  it('serves the sum example at /api/sum/1/3 as JSON', async () => {
    const deployed = await h.deploy('sum', SUM);
    assert.equal(deployed.status, 201);
    assert.match(String(deployed.body.version), /^[0-9a-f]{64}$/);
    const res = await fetch(`${h.url}/api/sum/1/3`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(await res.text(), '{"result":4}');
  });

  it('gives each of many concurrent calls its own answer (calls and answers travel in batches)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const res = await fetch(`${h.url}/api/sum/${i}/${i * 1000}`, { headers: { 'x-request-id': `call-${i}` } });
        return { i, id: res.headers.get('x-request-id'), body: await res.text() };
      }),
    );
    for (const { i, id, body } of answers) {
      assert.equal(body, `{"result":${i * 1001}}`);
      assert.equal(id, `call-${i}`);
    }
  });

  it('answers 404 for an unknown function and for a path outside the route', async () => {
    assert.equal((await fetch(`${h.url}/api/nosuch/1/3`)).status, 404);
    assert.equal((await fetch(`${h.url}/api/sum/1`)).status, 404);
  });

  it('gives ctx params, query, env, requestId, consumer and log; strings become text/plain', async () => {
    await h.deploy(
      'ctx',
      `export const route = "/{who}";
       export default (req: Request, ctx: any) => { ctx.log("called for", ctx.params.who); console.warn("careful");
         return [ctx.params.who, ctx.query.x, ctx.env.GREETING, ctx.requestId, ctx.consumer, typeof process.env.PATH, req.method, new URL(req.url).pathname,
           req.headers.get("x-custom"), req.headers.has("connection"), ctx.signal.aborted].join("|"); };`,
    );
    const res = await fetch(`${h.url}/api/ctx/bob?x=1`, {
      headers: { 'x-request-id': 'req-42', 'x-test-consumer': 'acme', 'x-custom': 'a, b' },
    });
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await res.text(), 'bob|1|hello|req-42|acme|undefined|GET|/ctx/bob|a, b|false|false');
    const logs = (await (await fetch(`${h.url}/api/functions/ctx/logs`)).json()) as {
      invocations: Record<string, unknown>[];
    };
    const last = logs.invocations.at(-1);
    assert.equal(last?.requestId, 'req-42');
    assert.deepEqual(last?.logs, ['called for bob', '[warn] careful']);
    assert.equal(last?.outcome, 'ok');
  });

  it('keeps console output after an await with the call that wrote it', async () => {
    await h.deploy(
      'later',
      `export const route = "/{n}";
       export default async (req: Request, ctx: any) => {
         await new Promise((done) => setTimeout(done, 20 - Number(ctx.params.n) * 5));
         console.log("after the wait", ctx.params.n);
         return "ok";
       };`,
    );
    await Promise.all(
      [1, 2, 3].map((n) => fetch(`${h.url}/api/later/${n}`, { headers: { 'x-request-id': `later-${n}` } })),
    );
    const records = h.runtime.core.log.recent('later');
    for (const n of [1, 2, 3]) {
      const record = records.find((r) => r.requestId === `later-${n}`);
      assert.deepEqual(record?.logs, [`after the wait ${n}`]);
    }
  });

  it('keeps console output from a returned stream body with its call', async () => {
    await h.deploy(
      'streamed',
      // The stream's first pull runs as the Response is made; the second only once the body is read.
      `export default () => {
         let pulls = 0;
         return new Response(new ReadableStream({
           pull(controller) {
             pulls += 1;
             if (pulls > 1) console.log("pulled", pulls);
             controller.enqueue(new TextEncoder().encode(pulls > 1 ? "dy" : "bo"));
             if (pulls > 1) controller.close();
           },
         }));
       };`,
    );
    const res = await fetch(`${h.url}/api/streamed`, { headers: { 'x-request-id': 'streamed-1' } });
    assert.equal(await res.text(), 'body');
    const record = h.runtime.core.log.recent('streamed').find((r) => r.requestId === 'streamed-1');
    assert.deepEqual(record?.logs, ['pulled 2']);
  });

  it('passes a Response through and accepts a Workers-style fetch export, with the request body', async () => {
    await h.deploy(
      'echo',
      `export default { async fetch(request: Request, env: Record<string, string>, ctx: any) {
         return new Response(await request.text() + "!", { status: 201, headers: { "x-fn": ctx.functionName } });
       } };`,
    );
    const res = await fetch(`${h.url}/api/echo`, { method: 'POST', body: 'ping' });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-fn'), 'echo');
    assert.equal(await res.text(), 'ping!');
  });

  it('turns a thrown error into a 500 and keeps the stack in the logs only', async () => {
    await h.deploy('thrower', 'export default () => { throw new Error("secret detail"); };');
    const res = await fetch(`${h.url}/api/thrower`);
    assert.equal(res.status, 500);
    assert.doesNotMatch(await res.text(), /secret detail/);
    const logs = (await (await fetch(`${h.url}/api/functions/thrower/logs`)).json()) as {
      invocations: { outcome: string; logs: string[] }[];
    };
    assert.equal(logs.invocations.at(-1)?.outcome, 'error');
    assert.match(logs.invocations.at(-1)?.logs.join('\n') ?? '', /secret detail/);
  });

  it('returns a compile error with line and column and changes nothing', async () => {
    // The function's `activity` does change: it records the refused deploy for the dashboard.
    const pointer = async () => {
      const { activity: _, ...info } = (await (await fetch(`${h.url}/api/functions/sum`)).json()) as {
        activity: unknown;
      };
      return info;
    };
    const before = await pointer();
    const res = await h.deploy('sum', 'export const route = "/{a}/{b}";\nexport default (req: Request => 1;');
    assert.equal(res.status, 400);
    assert.deepEqual([res.body.error, res.body.line, res.body.column], ['compile', 2, 30]);
    assert.deepEqual(await pointer(), before);
    assert.equal(await (await fetch(`${h.url}/api/sum/2/2`)).text(), '{"result":4}');
  });

  it('refuses a function whose top-level code throws, and keeps the old version', async () => {
    const res = await h.deploy('sum', 'throw new Error("boom at load");');
    assert.equal(res.status, 400);
    assert.match(String(res.body.error), /failed to load.*boom at load/s);
    assert.equal(await (await fetch(`${h.url}/api/sum/2/2`)).text(), '{"result":4}');
  });

  it('swaps versions with no failed request, rolls back one version, lists and removes', async () => {
    await h.deploy('v', versioned(1));
    let running = true;
    const statuses: number[] = [];
    const traffic = (async () => {
      while (running) statuses.push((await fetch(`${h.url}/api/v`)).status);
    })();
    await new Promise((r) => setTimeout(r, 50));
    const second = await h.deploy('v', versioned(2));
    assert.equal(second.status, 201);
    assert.deepEqual(
      await (await fetch(`${h.url}/api/v`)).json(),
      { version: 2 },
      'the next request runs the new code',
    );
    await new Promise((r) => setTimeout(r, 50));
    running = false;
    await traffic;
    assert.ok(statuses.length > 5);
    assert.deepEqual([...new Set(statuses)], [200]);

    const unchanged = await h.deploy('v', versioned(2));
    assert.equal(unchanged.status, 200);
    assert.equal(unchanged.body.unchanged, true);

    const rollback = await fetch(`${h.url}/api/functions/v/rollback`, { method: 'POST' });
    assert.equal(rollback.status, 200);
    assert.deepEqual(await (await fetch(`${h.url}/api/v`)).json(), { version: 1 });
    assert.equal((await fetch(`${h.url}/api/functions/v/rollback`, { method: 'POST' })).status, 409);

    const list = (await (await fetch(`${h.url}/api/functions`)).json()) as { name: string; versions: number }[];
    assert.deepEqual(
      list.map((f) => f.name),
      ['ctx', 'echo', 'later', 'streamed', 'sum', 'thrower', 'v'],
    );
    assert.equal((await fetch(`${h.url}/api/functions/v`, { method: 'DELETE' })).status, 200);
    assert.equal((await fetch(`${h.url}/api/v`)).status, 404);
    assert.equal((await fetch(`${h.url}/api/functions/v`)).status, 404);
    assert.equal((await fetch(`${h.url}/api/functions/v`, { method: 'DELETE' })).status, 404);
  });

  it('validates names and methods in the API', async () => {
    assert.equal((await h.deploy('Bad.Name', versioned(1))).status, 400);
    assert.equal((await fetch(`${h.url}/api/functions`, { method: 'POST' })).status, 405);
    assert.equal((await fetch(`${h.url}/api/functions/sum/rollback`)).status, 405);
  });
});

describe('loading', () => {
  it('loads lazily on the first call, concurrent first calls share one load, and a deploy is pushed to another instance', async () => {
    const storeDir = await makeStoreDir();
    const a = await startFunctionsHarness({}, { storeDir });
    const b = await startFunctionsHarness({}, { storeDir });
    try {
      const source = (n: number) => `const loadedAt = Math.random();\nexport default () => ({ n: ${n}, loadedAt });`;
      assert.equal((await a.deploy('lazy', source(1))).status, 201);
      assert.equal(b.runtime.core.runner.loadedVersions('lazy').length, 0, 'b has not loaded it yet');
      const answers = (await Promise.all([1, 2, 3, 4].map(() => fetch(`${b.url}/api/lazy`).then((r) => r.json())))) as {
        n: number;
        loadedAt: number;
      }[];
      assert.equal(new Set(answers.map((x) => x.loadedAt)).size, 1, 'one load served every first call');
      const records = b.runtime.core.log.recent('lazy');
      assert.equal(records.length, 4);
      assert.ok(records.every((r) => r.cold && r.initMs > 0));
      await fetch(`${b.url}/api/lazy`);
      assert.equal(b.runtime.core.log.recent('lazy').at(-1)?.cold, false);

      const second = await a.deploy('lazy', source(2));
      assert.equal(second.status, 201);
      const deadline = Date.now() + 3000;
      while (b.runtime.core.runner.loadedVersions('lazy')[0] !== second.body.version && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.deepEqual(
        b.runtime.core.runner.loadedVersions('lazy'),
        [second.body.version],
        'b loaded the new version before any call',
      );
      const seen = ((await (await fetch(`${b.url}/api/lazy`)).json()) as { n: number }).n;
      assert.equal(b.runtime.core.log.recent('lazy').at(-1)?.cold, false);
      assert.equal(seen, 2, 'b runs the version deployed on a');
    } finally {
      await a.close();
      await b.close();
      await rm(storeDir, { recursive: true, force: true });
    }
  });

  it('unloads idle functions and loads them again on the next call', async () => {
    const h = await startFunctionsHarness({ idleUnload: '100ms' });
    try {
      await h.deploy('idle', 'export default () => "x";');
      assert.equal(await (await fetch(`${h.url}/api/idle`)).text(), 'x');
      const deadline = Date.now() + 2000;
      while (h.runtime.core.runner.loadedVersions('idle').length > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 25));
      assert.equal(h.runtime.core.runner.loadedVersions('idle').length, 0);
      assert.equal(await (await fetch(`${h.url}/api/idle`)).text(), 'x');
      assert.equal(h.runtime.core.log.recent('idle').at(-1)?.cold, true);
    } finally {
      await h.close();
    }
  });
});
