import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDockerProvider } from '../../src/providers/docker/docker-provider.js';
import type { ProviderSnapshot } from '../../src/providers/types.js';
import {
  containerIp,
  docker,
  DockerSandbox,
  dockerReady,
  SnapshotRecorder,
  serverUrls,
} from '../helpers/docker-env.js';

const skip = await dockerReady();

describe('Docker provider against a real dockerd', { skip }, () => {
  const sandbox = new DockerSandbox();
  let v1: SnapshotRecorder;
  let v3: SnapshotRecorder;

  before(async () => {
    // The v1 guide's static file: `[docker] domain = "docker.localhost"`; the other is v3's default.
    v1 = new SnapshotRecorder(
      createDockerProvider({ v1: true, domain: 'docker.localhost', constraints: sandbox.constraint }),
    );
    v3 = new SnapshotRecorder(createDockerProvider({ constraints: sandbox.constraint }));
    await Promise.all([v1.start(), v3.start()]);
  });

  after(async () => {
    await Promise.all([v1?.provider.stop(), v3?.provider.stop()]);
    await sandbox.cleanup();
  });

  test('the v1 guide: two containers of backend webapp are one service; stopping one leaves the other', async () => {
    const labels = {
      'traefik.backend': 'webapp',
      'traefik.port': '80',
      'traefik.frontend.rule': 'Host:web.joinc.priv',
    };
    const [a, b] = [sandbox.name('webapp-a'), sandbox.name('webapp-b')];
    await Promise.all([sandbox.run(a, { labels }), sandbox.run(b, { labels })]);
    const ips = await Promise.all([containerIp(a), containerIp(b)]);
    const both = await v1.waitFor((s) => serverUrls(s, 'webapp').length === 2, 'two webapp servers');
    assert.deepEqual(serverUrls(both, 'webapp'), ips.map((ip) => `http://${ip}:80`).sort());
    assert.deepEqual(both.config.http.routers.webapp, { service: 'webapp', rule: 'Host(`web.joinc.priv`)' });
    await docker(['stop', '-t', '1', a]);
    const one = await v1.waitFor((s) => serverUrls(s, 'webapp').length === 1, 'one webapp server');
    assert.deepEqual(serverUrls(one, 'webapp'), [`http://${ips[1]}:80`]);
  });

  test('v1 PathPrefixStrip containers get stripPrefix middlewares', async () => {
    const photo = sandbox.name('photo');
    const music = [sandbox.name('music-1'), sandbox.name('music-2')];
    await sandbox.run(photo, {
      labels: { 'traefik.backend': 'photo', 'traefik.frontend.rule': 'PathPrefixStrip:/photo' },
    });
    for (const name of music) {
      await sandbox.run(name, {
        labels: { 'traefik.backend': 'music', 'traefik.frontend.rule': 'PathPrefixStrip:/music' },
      });
    }
    const snapshot = await v1.waitFor(
      (s) => serverUrls(s, 'music').length === 2 && serverUrls(s, 'photo').length === 1,
      'photo and music services',
    );
    const { routers, middlewares } = snapshot.config.http;
    assert.equal(routers.music!.rule, 'PathPrefix(`/music`)');
    assert.equal(routers.photo!.rule, 'PathPrefix(`/photo`)');
    assert.deepEqual(
      routers.music!.middlewares!.map((name) => middlewares[name]),
      [{ stripPrefix: { prefixes: ['/music'] } }],
    );
    assert.deepEqual(
      routers.photo!.middlewares!.map((name) => middlewares[name]),
      [{ stripPrefix: { prefixes: ['/photo'] } }],
    );
  });

  test('docker-compose --scale web=3 is one service with 3 servers, then 1', async () => {
    const project = `portiertest${sandbox.id}`;
    const yaml = `version: "2.4"
services:
  web:
    image: portier-test/echo:1
    environment:
      PORT: "5000"
    labels:
      portier.test: "1"
      portier.run: "${sandbox.id}"
      traefik.backend: test_web
      traefik.port: "5000"
      traefik.frontend.rule: Host:localhost
`;
    await sandbox.composeUp(project, yaml, ['--scale', 'web=3']);
    const three = await v1.waitFor((s) => serverUrls(s, 'test_web').length === 3, 'three compose servers');
    assert.ok(serverUrls(three, 'test_web').every((url) => /^http:\/\/[\d.]+:5000$/.test(url)));
    assert.deepEqual(three.config.http.routers.test_web, { service: 'test_web', rule: 'Host(`localhost`)' });
    await sandbox.composeUp(project, yaml, ['--scale', 'web=1']);
    const one = await v1.waitFor((s) => serverUrls(s, 'test_web').length === 1, 'one compose server');
    assert.ok(serverUrls(three, 'test_web').includes(serverUrls(one, 'test_web')[0]!));
  });

  test('v3 labels, with health check and sticky cookie; an unhealthy container has no server', async () => {
    const name = sandbox.name('api');
    await sandbox.run(name, {
      env: { PORT: '8080' },
      args: ['--health-cmd', 'test -e /ready', '--health-interval', '200ms', '--health-retries', '1'],
      labels: {
        'traefik.enable': 'true',
        'traefik.http.routers.api.rule': 'Host(`api.test`) && PathPrefix(`/v1`)',
        'traefik.http.routers.api.middlewares': 'strip@docker',
        'traefik.http.middlewares.strip.stripprefix.prefixes': '/v1',
        'traefik.http.services.api.loadbalancer.server.port': '8080',
        'traefik.http.services.api.loadbalancer.healthcheck.path': '/health',
        'traefik.http.services.api.loadbalancer.healthcheck.interval': '1s',
        'traefik.http.services.api.loadbalancer.sticky.cookie.name': 'api_sticky',
        'traefik.http.services.api.loadbalancer.sticky.cookie.httponly': 'true',
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(v3.latest?.config.http.services.api, undefined, 'not routed before it is healthy');
    await docker(['exec', name, 'touch', '/ready']);
    const snapshot = await v3.waitFor((s) => serverUrls(s, 'api').length === 1, 'healthy api container');
    const ip = await containerIp(name);
    assert.deepEqual(snapshot.config.http.routers.api, {
      rule: 'Host(`api.test`) && PathPrefix(`/v1`)',
      middlewares: ['strip@docker'],
      service: 'api',
    });
    assert.deepEqual(snapshot.config.http.middlewares.strip, { stripPrefix: { prefixes: ['/v1'] } });
    assert.deepEqual(snapshot.config.http.services.api, {
      loadBalancer: {
        healthCheck: { path: '/health', interval: '1s' },
        sticky: { cookie: { name: 'api_sticky', httpOnly: true } },
        servers: [{ url: `http://${ip}:8080` }],
      },
    });
    await docker(['exec', name, 'rm', '/ready']);
    await v3.waitFor((s) => s.config.http.services.api === undefined, 'unhealthy api dropped');
  });

  test('a label typo disables that container alone, naming the label, the container and the fix', async () => {
    const [bad, good] = [sandbox.name('typo'), sandbox.name('fine')];
    await sandbox.run(bad, { labels: { 'traefik.http.routers.typo.rulee': 'Host(`typo.test`)' } });
    await sandbox.run(good, { labels: { 'traefik.http.routers.fine.rule': 'Host(`fine.test`)' } });
    const snapshot = await v3.waitFor(
      (s) => serverUrls(s, good).length === 1 && s.issues.some((issue) => issue.location?.includes(bad)),
      'typo issue and the fine container',
    );
    assert.equal(snapshot.config.http.routers.typo, undefined);
    assert.equal(snapshot.config.http.services[bad], undefined);
    assert.equal(snapshot.config.http.routers.fine!.rule, 'Host(`fine.test`)');
    const issue = snapshot.issues.find((candidate) => candidate.location?.includes(bad))!;
    assert.equal(issue.key, 'traefik.http.routers.typo.rulee');
    assert.match(issue.message, /did you mean "traefik\.http\.routers\.typo\.rule"\?/);
  });

  test('a missing named network is an error on that container; an existing one is used', async () => {
    const network = sandbox.name('net');
    await sandbox.network(network);
    const [missing, chosen] = [sandbox.name('nonet'), sandbox.name('withnet')];
    await sandbox.run(missing, { labels: { 'traefik.docker.network': 'no-such-network' } });
    await sandbox.run(chosen, { network, labels: { 'traefik.docker.network': network } });
    const ip = await containerIp(chosen, network);
    const snapshot: ProviderSnapshot = await v3.waitFor(
      (s) => serverUrls(s, chosen).length === 1 && s.issues.some((issue) => issue.location?.includes(missing)),
      'network error and the networked container',
    );
    assert.deepEqual(serverUrls(snapshot, chosen), [`http://${ip}:80`]);
    assert.equal(snapshot.config.http.services[missing], undefined);
    const issue = snapshot.issues.find((candidate) => candidate.location?.includes(missing))!;
    assert.match(issue.message, /network "no-such-network".*not one of its networks \(bridge\)/);
  });
});
