import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSwarmProvider } from '../../src/providers/docker/swarm-provider.js';
import { docker, DockerSandbox, dockerReady, ECHO_IMAGE, SnapshotRecorder, serverUrls } from '../helpers/docker-env.js';

const skip = await dockerReady();

describe('Swarm provider on a one-node swarm', { skip }, () => {
  const sandbox = new DockerSandbox();
  const network = sandbox.name('overlay');
  let swarm: SnapshotRecorder;
  let initialised = false;

  before(async () => {
    if ((await docker(['info', '--format', '{{ .Swarm.LocalNodeState }}'])) !== 'active') {
      await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
      initialised = true;
    }
    await sandbox.network(network, 'overlay');
    // A long poll period: whatever the test sees quickly came from the event stream.
    swarm = new SnapshotRecorder(createSwarmProvider({ constraints: sandbox.constraint, refreshSeconds: 60 }));
    await swarm.start();
  });

  after(async () => {
    await swarm?.provider.stop();
    await sandbox.cleanup();
    if (initialised) {
      await docker(['swarm', 'leave', '--force']).catch(() => undefined);
      // Swarm created this bridge on init and leaves it behind.
      await docker(['network', 'rm', 'docker_gwbridge']).catch(() => undefined);
    }
  });

  async function subnet(): Promise<string> {
    const cidr = await docker(['network', 'inspect', '-f', '{{ (index .IPAM.Config 0).Subnet }}', network]);
    return cidr.split('.').slice(0, 3).join('.');
  }

  test('a service with 2 replicas is routed to both task IPs, and a scale-up is picked up', async () => {
    const name = sandbox.name('tasks');
    await sandbox.service(name, [
      '--replicas',
      '2',
      '--network',
      network,
      '--no-resolve-image',
      '--label',
      'traefik.http.routers.tasks.rule=Host(`tasks.swarm.test`)',
      '--label',
      'traefik.http.services.tasks.loadbalancer.server.port=80',
      '--label',
      `traefik.swarm.network=${network}`,
      ECHO_IMAGE,
    ]);
    const two = await swarm.waitFor((s) => serverUrls(s, 'tasks').length === 2, 'two task servers', 60_000);
    const prefix = await subnet();
    const urls = serverUrls(two, 'tasks');
    assert.ok(
      urls.every((url) => url.startsWith(`http://${prefix}.`) && url.endsWith(':80')),
      `${urls} on ${prefix}.x`,
    );
    assert.deepEqual(two.config.http.routers.tasks, { rule: 'Host(`tasks.swarm.test`)', service: 'tasks' });
    await docker(['service', 'scale', '-d', `${name}=3`]);
    const three = await swarm.waitFor((s) => serverUrls(s, 'tasks').length === 3, 'three task servers', 30_000);
    assert.ok(urls.every((url) => serverUrls(three, 'tasks').includes(url)));
  });

  test('lbswarm routes to the service VIP', async () => {
    const name = sandbox.name('vip');
    await sandbox.service(name, [
      '--replicas',
      '2',
      '--network',
      network,
      '--no-resolve-image',
      '--label',
      'traefik.http.services.vip.loadbalancer.server.port=80',
      '--label',
      'traefik.swarm.lbswarm=true',
      ECHO_IMAGE,
    ]);
    const vip = await docker([
      'service',
      'inspect',
      '-f',
      `{{ range .Endpoint.VirtualIPs }}{{ if eq .NetworkID "${await docker(['network', 'inspect', '-f', '{{ .Id }}', network])}" }}{{ .Addr }}{{ end }}{{ end }}`,
      name,
    ]);
    const snapshot = await swarm.waitFor((s) => serverUrls(s, 'vip').length === 1, 'the VIP server', 60_000);
    assert.deepEqual(serverUrls(snapshot, 'vip'), [`http://${vip.split('/')[0]}:80`]);
    assert.deepEqual(snapshot.config.http.routers[name], { rule: `Host(\`${name}\`)`, service: 'vip' });
  });
});
