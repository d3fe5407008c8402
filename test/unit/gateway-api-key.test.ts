import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { apiKey } from '../../src/gateway/api-key.js';
import { buildMiddleware, gatewayDeps, startHarness, type Harness, type LogLine } from '../helpers/gateway-harness.js';

const PLAIN = 'k-plain-0123456789';
const HASHED = 'k-hashed-abcdef';
const consumers = {
  'shop@file': { apiKeys: [PLAIN] },
  'partner@file': { apiKeys: [`sha256:${createHash('sha256').update(HASHED).digest('hex')}`] },
};
const servers: Harness[] = [];
after(async () => Promise.all(servers.map((s) => s.close())));

async function harness(options: Record<string, unknown>): Promise<Harness> {
  const logs: LogLine[] = [];
  const server = await startHarness(buildMiddleware(apiKey, options, gatewayDeps(consumers, logs)), logs);
  servers.push(server);
  return server;
}

describe('apiKey', () => {
  it('maps plain and sha256-stored keys to their consumer and hides the key', async () => {
    const server = await harness({});
    const shop = await server.send({ headers: { 'x-api-key': PLAIN, 'x-portier-consumer': 'partner' } });
    assert.equal(shop.status, 200);
    assert.equal(shop.upstream?.headers['x-portier-consumer'], 'shop');
    assert.equal(shop.upstream?.headers['x-api-key'], undefined);
    const partner = await server.send({ headers: { 'X-Api-Key': HASHED } });
    assert.equal(partner.upstream?.consumer, 'partner@file');
  });

  it('rejects missing and unknown keys without logging them', async () => {
    const server = await harness({});
    assert.equal((await server.send({})).status, 401);
    assert.equal((await server.send({ headers: { 'x-api-key': `${PLAIN}x` } })).status, 401);
    assert.deepEqual(
      server.logs.map((l) => l.obj.reason),
      ['no API key presented', 'unknown API key'],
    );
    assert.ok(!JSON.stringify(server.logs).includes(PLAIN));
  });

  it('reads a query parameter when configured and removes it before forwarding', async () => {
    const server = await harness({ query: 'api_key', header: 'Authorization-Key' });
    const reply = await server.send({ path: `/items?a=1&api_key=${PLAIN}&b=2` });
    assert.equal(reply.status, 200);
    assert.equal(reply.upstream?.headers['x-portier-consumer'], 'shop');
    assert.equal(reply.upstream?.query, 'a=1&b=2');
    const noQuery = await harness({});
    assert.equal((await noQuery.send({ path: `/items?api_key=${PLAIN}` })).status, 401);
  });

  it('refuses a configuration that gives one key to two consumers', () => {
    const clash = { 'a@file': { apiKeys: [PLAIN] }, 'b@file': { apiKeys: [PLAIN] } };
    assert.throws(() => buildMiddleware(apiKey, {}, gatewayDeps(clash)), /also given to consumer "a@file"/);
  });
});

describe('rejection logs', () => {
  it('are capped per middleware and second, so a flood of bad keys is no flood of log lines', async () => {
    const logs: LogLine[] = [];
    const server = await startHarness(buildMiddleware(apiKey, {}, gatewayDeps(consumers, logs, 'flood@file')), logs);
    servers.push(server);
    const answers = await Promise.all(
      Array.from({ length: 60 }, () => server.send({ headers: { 'x-api-key': 'bad' } })),
    );
    assert.ok(answers.every((answer) => answer.status === 401));
    const rejected = logs.filter((line) => line.msg === 'gateway rejected request').length;
    assert.ok(rejected >= 1 && rejected <= 40, `logged ${rejected} of 60 rejections`);
  });
});
