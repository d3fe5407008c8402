import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { docker, DockerSandbox, dockerReady, ECHO_IMAGE } from '../helpers/docker-env.js';
import { stackImages } from '../helpers/docker-images.js';
import { ensureSwarm, PortierStack, taskContainers } from '../helpers/docker-stack.js';
import { get } from '../helpers/http.js';
import { freePort, waitFor } from '../helpers/portier.js';

const skip = await dockerReady();
// Swarm's virtual IPs are IPVS rules in each container's namespace: no IPVS, no VIP traffic.
const ipvs = existsSync('/proc/net/ip_vs');

/**
 * deploy/portier-stack.yml deployed as users deploy it (the image built here, Redis beside it),
 * and traffic sent only to the ports it publishes on 127.0.0.1: the host cannot reach overlay
 * addresses, Portier inside the swarm can. The tests run in order on one stack and one echo
 * service (2 replicas, then 3, then 1): a deployment costs seconds on the vfs storage driver.
 */
describe('Portier deployed as a Swarm stack', { skip }, () => {
  const sandbox = new DockerSandbox();
  const stackName = sandbox.name('portier');
  const echo = sandbox.name('echo');
  let stack: PortierStack;
  let restoreSwarm: () => Promise<void> = async () => undefined;
  let web = '';
  let api = '';
  /** What setting up took, reported by the first test (hooks have no diagnostics of their own). */
  const setupTimes: string[] = [];

  before(
    async () => {
      const images = await stackImages();
      setupTimes.push(
        `images: ${images.portier.tag} ${images.portier.ms} ms, ${images.redis.tag} ${images.redis.ms} ms`,
      );
      restoreSwarm = await ensureSwarm();
      const [httpPort, apiPort] = [await freePort(), await freePort()];
      web = `http://127.0.0.1:${httpPort}`;
      api = `http://127.0.0.1:${apiPort}`;
      stack = new PortierStack(stackName, {
        portierImage: images.portier.tag,
        redisImage: images.redis.tag,
        network: sandbox.name('edge'),
        httpPort,
        apiPort,
      });
      const started = Date.now();
      await stack.deploy();
      await waitFor(async () => (await get(`${api}/ping`)).status === 200, 120_000, 'Portier answering /ping');
      setupTimes.push(`stack deploy → /ping answers: ${Date.now() - started} ms`);
    },
    { timeout: 300_000 },
  );

  after(
    async () => {
      await sandbox.cleanup();
      await stack?.remove();
      await restoreSwarm();
    },
    { timeout: 120_000 },
  );

  /** One request through Portier's published web port. */
  function through(host: string, path = '/') {
    return get(`${web}${path}`, { headers: { host } });
  }

  /** Host names that answer `count` requests in a row through Portier (the echo image's first line). */
  async function hostnames(host: string, count: number): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < count; i++) {
      const response = await through(host);
      assert.equal(response.status, 200, response.body);
      seen.push(/^hostname: (\S+)/.exec(response.body)![1]!);
    }
    return seen;
  }

  async function apiServers(service: string): Promise<string[]> {
    const response = await get(`${api}/api/http/services/${service}`);
    if (response.status !== 200) return [];
    const view = JSON.parse(response.body) as { loadBalancer?: { servers?: { url: string }[] } };
    return (view.loadBalancer?.servers ?? []).map((server) => server.url).sort();
  }

  /** A container's address on the stack's edge network (the routed services' network). */
  function edgeIp(container: string): Promise<string> {
    const network = stack.settings.network;
    return docker(['inspect', '-f', `{{ (index .NetworkSettings.Networks "${network}").IPAddress }}`, container]);
  }

  async function taskUrls(service: string): Promise<string[]> {
    const ips = await Promise.all((await taskContainers(service)).map(edgeIp));
    return ips.map((ip) => `http://${ip}:80`).sort();
  }

  /** The echo image as a Swarm service on the stack's network, routed at `<router>.swarm.test`. */
  function echoService(
    name: string,
    router: string,
    replicas: number,
    extra: { labels?: string[]; args?: string[] } = {},
  ): Promise<void> {
    const labels = [
      'traefik.enable=true',
      `traefik.http.routers.${router}.rule=Host(\`${router}.swarm.test\`)`,
      `traefik.http.services.${router}.loadbalancer.server.port=80`,
      ...(extra.labels ?? []),
    ];
    // --dns 127.0.0.1: names Swarm does not know (the isolation test asks for Redis) are forwarded
    // to a resolver inside the task that is not there, so no DNS query leaves the machine.
    const network = ['--network', stack.settings.network, '--dns', '127.0.0.1'];
    const args = ['--replicas', String(replicas), ...network, '--no-resolve-image'];
    const labelArgs = labels.flatMap((label) => ['--label', label]);
    return sandbox.service(name, [...args, ...(extra.args ?? []), ...labelArgs, ECHO_IMAGE]);
  }

  test('a labelled service with 2 replicas: both tasks answer, alternating', async (t) => {
    setupTimes.forEach((line) => t.diagnostic(line));
    const created = Date.now();
    await echoService(echo, 'echo', 2);
    await waitFor(async () => (await taskContainers(echo)).length === 2, 60_000, 'two running tasks');
    const tasks = await taskContainers(echo);
    await waitFor(
      async () => new Set(await hostnames('echo.swarm.test', 4)).size === 2,
      30_000,
      'both tasks through Portier',
    );
    t.diagnostic(`service create → both tasks routed: ${Date.now() - created} ms`);
    const seen = await hostnames('echo.swarm.test', 6);
    assert.deepEqual([...new Set(seen)].sort(), tasks);
    assert.ok(
      seen.every((name, i) => i === 0 || name !== seen[i - 1]),
      `requests alternate: ${seen.join(' ')}`,
    );
  });

  test("Portier's API shows the task addresses as the service's servers", async () => {
    assert.deepEqual(await apiServers('echo@swarm'), await taskUrls(echo));
    assert.equal((await get(`${api}/dashboard/`)).status, 200, 'the image carries the built dashboard');
  });

  test('docker service scale to 3 is picked up: three tasks answer', async (t) => {
    const scaled = Date.now();
    await docker(['service', 'scale', '-d', `${echo}=3`]);
    await waitFor(async () => new Set(await hostnames('echo.swarm.test', 6)).size === 3, 30_000, 'three tasks');
    t.diagnostic(`service scale → third task routed: ${Date.now() - scaled} ms`);
    assert.ok(Date.now() - scaled < 15_000, `picked up within 15 s (took ${Date.now() - scaled} ms)`);
    assert.deepEqual(new Set(await hostnames('echo.swarm.test', 6)), new Set(await taskContainers(echo)));
    assert.deepEqual(await apiServers('echo@swarm'), await taskUrls(echo));
  });

  test('a route written to the stack’s Redis is served (KV provider)', async (t) => {
    const written = Date.now();
    // A KV router may use the Swarm provider's service: the two providers share one configuration.
    await stack.redisCli(['set', 'traefik/http/routers/kv/rule', 'Host(`kv.swarm.test`)']);
    await stack.redisCli(['set', 'traefik/http/routers/kv/service', 'echo@swarm']);
    await waitFor(async () => (await through('kv.swarm.test')).status === 200, 30_000);
    t.diagnostic(`redis-cli set → route served: ${Date.now() - written} ms`);
    const tasks = new Set(await taskContainers(echo));
    assert.ok((await hostnames('kv.swarm.test', 3)).every((name) => tasks.has(name)));
  });

  test('a function deployed to the stack lands in its Redis (cluster store) and runs', async () => {
    // Function changes through the insecure API are taken from loopback only: deploy from inside.
    const deploy = `
      const response = await fetch('http://127.0.0.1:8080/api/functions/hello', { method: 'PUT', body: process.argv[1] });
      if (!response.ok) throw new Error(response.status + ' ' + (await response.text()));`;
    const source = 'export default () => ({ from: "swarm" });';
    await stack.exec('portier', ['/usr/bin/node', '--input-type=module', '-e', deploy, source]);
    const pointers = await stack.redisCli(['--scan', '--pattern', 'portier:functions:pointer:*']);
    assert.deepEqual(pointers.split('\n'), ['portier:functions:pointer:hello']);
    await stack.redisCli(['set', 'traefik/http/routers/fn/rule', 'Host(`fn.swarm.test`)']);
    await stack.redisCli(['set', 'traefik/http/routers/fn/service', 'functions@internal']);
    await waitFor(async () => (await through('fn.swarm.test', '/hello')).status === 200, 30_000);
    const response = await through('fn.swarm.test', '/hello');
    assert.deepEqual(JSON.parse(response.body), { from: 'swarm' });
  });

  test("the stack's Redis demands the password from its Docker secret", async () => {
    assert.match(await stack.exec('redis', ['redis-cli', 'ping']), /NOAUTH/);
    assert.equal(await stack.redisCli(['ping']), 'PONG');
    // Secrets reach the tasks as files: the specs (what `docker service inspect` shows) hold no password.
    const specs = await docker(['service', 'inspect', `${stackName}_portier`, `${stackName}_redis`]);
    assert.ok(specs.includes('/run/secrets/redis.conf'), 'the specs were read');
    assert.ok(!specs.includes(stack.redisPassword), 'no password in the service specs');
  });

  /** The addresses a name resolves to inside a container; none when the lookup fails. */
  async function lookup(container: string, name: string): Promise<string[]> {
    const answer = await docker(['exec', container, 'nslookup', '-timeout=2', '-retry=1', name]).catch(() => '');
    return [...answer.matchAll(/^Address: (\S+)$/gm)].map((match) => match[1]!);
  }

  test("a routed service's task can neither resolve Redis nor route to it; Portier can", async () => {
    const [task, otherTask] = await taskContainers(echo);
    // The probe works: the task resolves its own service on the network it shares with Portier.
    assert.equal((await lookup(task!, `tasks.${echo}`)).length, (await taskContainers(echo)).length);
    const redisNames = ['redis', `${stackName}_redis`, 'tasks.redis', `tasks.${stackName}_redis`];
    const resolved = await Promise.all(redisNames.map(async (name) => [name, await lookup(task!, name)]));
    assert.deepEqual(Object.fromEntries(resolved), Object.fromEntries(redisNames.map((name) => [name, []])));

    const resolveInPortier = `require('node:dns').lookup('redis', (error, address) => { if (error) throw error; console.log(address); })`;
    const redisIp = await stack.exec('portier', ['/usr/bin/node', '-e', resolveInPortier]);
    // Knowing the address does not help: no network of the task holds it, so a packet would leave
    // by the default gateway, out of the swarm (shown by the route; nothing is sent there).
    assert.doesNotMatch(await docker(['exec', task!, 'ip', 'route', 'get', await edgeIp(otherTask!)]), / via /);
    assert.match(await docker(['exec', task!, 'ip', 'route', 'get', redisIp]), / via /);

    const [redisTask] = await taskContainers(`${stackName}_redis`);
    const networks = await docker(['inspect', '-f', '{{ json .NetworkSettings.Networks }}', redisTask!]);
    const addresses = JSON.parse(networks) as Record<string, { IPAddress: string }>;
    assert.deepEqual(Object.keys(addresses), [stack.storeNetwork], 'Redis is on the store network only');
    assert.equal(addresses[stack.storeNetwork]!.IPAddress, redisIp);
  });

  test('no standalone container can join the store network (not attachable)', async () => {
    const joining = docker(['run', '--rm', '--network', stack.storeNetwork, ECHO_IMAGE, 'true']);
    await assert.rejects(joining, /not manually attachable/);
  });

  test('docker service scale to 1 under two looping clients: no failed request', async (t) => {
    const failures: string[] = [];
    let requests = 0;
    let running = true;
    const client = async () => {
      while (running) {
        requests++;
        const response = await through('echo.swarm.test').catch((error: Error) => ({
          status: 0,
          body: error.message,
        }));
        if (response.status !== 200) failures.push(`${response.status} ${response.body.slice(0, 80)}`);
      }
    };
    const clients = [client(), client()];
    try {
      await docker(['service', 'scale', '-d', `${echo}=1`]);
      await waitFor(async () => (await taskContainers(echo)).length === 1, 60_000, 'one running task');
      await waitFor(async () => (await apiServers('echo@swarm')).length === 1, 15_000, 'one server');
      // The removed tasks' containers are gone: any request still sent to them would fail now.
      await new Promise((done) => setTimeout(done, 1000));
    } finally {
      running = false;
      await Promise.all(clients);
    }
    t.diagnostic(`${requests} requests during the scale-down, ${failures.length} failed`);
    assert.deepEqual(failures, []);
    assert.deepEqual(await apiServers('echo@swarm'), await taskUrls(echo));
  });

  test('Portier killed: Swarm starts a new task that serves the same routes and functions', async (t) => {
    const portier = `${stackName}_portier`;
    const [killed] = await taskContainers(portier);
    await docker(['kill', killed!]);
    const since = Date.now();
    await waitFor(
      async () => {
        const [current] = await taskContainers(portier);
        return current !== undefined && current !== killed && (await get(`${api}/ping`)).status === 200;
      },
      120_000,
      'a new Portier task',
    );
    t.diagnostic(`docker kill → new Portier task answering: ${Date.now() - since} ms`);
    // Nothing lived in the killed instance: routes come back from Swarm and Redis, the function from Redis.
    await waitFor(async () => (await through('fn.swarm.test', '/hello')).status === 200, 30_000);
    const response = await through('fn.swarm.test', '/hello');
    assert.deepEqual(JSON.parse(response.body), { from: 'swarm' });
    const [only] = await taskContainers(echo);
    assert.deepEqual(await hostnames('echo.swarm.test', 2), [only, only]);
  });

  describe('traefik.swarm.lbswarm=true', () => {
    const vipService = sandbox.name('vip');

    test('the service VIP is the one server', async () => {
      await echoService(vipService, 'vip', 2, { labels: ['traefik.swarm.lbswarm=true'] });
      const networkId = await docker(['network', 'inspect', '-f', '{{ .Id }}', stack.settings.network]);
      const format = `{{ range .Endpoint.VirtualIPs }}{{ if eq .NetworkID "${networkId}" }}{{ .Addr }}{{ end }}{{ end }}`;
      const vip = (await docker(['service', 'inspect', '-f', format, vipService])).split('/')[0]!;
      assert.match(vip, /^\d+\.\d+\.\d+\.\d+$/);
      await waitFor(async () => (await apiServers('vip@swarm')).length > 0, 30_000, 'the vip service');
      assert.deepEqual(await apiServers('vip@swarm'), [`http://${vip}:80`]);
    });

    test('a DNS round-robin service has no VIP: its tasks are the servers, as in Traefik', async () => {
      const dnsrr = sandbox.name('dnsrr');
      await echoService(dnsrr, 'dnsrr', 2, {
        labels: ['traefik.swarm.lbswarm=true'],
        args: ['--endpoint-mode', 'dnsrr'],
      });
      await waitFor(async () => (await taskContainers(dnsrr)).length === 2, 60_000, 'two running tasks');
      await waitFor(async () => (await apiServers('dnsrr@swarm')).length === 2, 30_000, 'two task servers');
      assert.deepEqual(await apiServers('dnsrr@swarm'), await taskUrls(dnsrr));
      assert.deepEqual(new Set(await hostnames('dnsrr.swarm.test', 4)), new Set(await taskContainers(dnsrr)));
    });

    test('requests through the VIP reach its tasks', { skip: ipvs ? false : 'this kernel has no IPVS' }, async () => {
      await waitFor(async () => (await taskContainers(vipService)).length === 2, 60_000, 'two running tasks');
      const tasks = new Set(await taskContainers(vipService));
      await waitFor(async () => (await through('vip.swarm.test')).status === 200, 30_000);
      assert.ok((await hostnames('vip.swarm.test', 4)).every((name) => tasks.has(name)));
    });
  });
});
