import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDockerProvider } from '../../src/providers/docker/docker-provider.js';
import { PrivateDockerd } from '../helpers/docker-daemon.js';
import { containerIp, DockerSandbox, dockerReady, SnapshotRecorder, serverUrls } from '../helpers/docker-env.js';

const skip = await dockerReady();
const daemon = new PrivateDockerd();
let sandbox: DockerSandbox;
let recorder: SnapshotRecorder;

before(async () => {
  if (skip) return;
  await daemon.start();
  sandbox = new DockerSandbox(daemon.host);
  recorder = new SnapshotRecorder(createDockerProvider({ endpoint: daemon.host }));
  await recorder.start();
});

after(async () => {
  await recorder?.provider.stop();
  await sandbox?.cleanup();
  await daemon.stop();
});

test('a dockerd restart leaves no stale and no missing routes', { skip }, async () => {
  const [kept, gone, fresh] = ['kept', 'gone', 'fresh'].map((name) => sandbox.name(name)) as [string, string, string];
  // `kept` comes back with the daemon (restart policy); `gone` does not.
  await sandbox.run(kept, { args: ['--restart', 'always'] });
  await sandbox.run(gone);
  await recorder.waitFor((s) => serverUrls(s, kept).length === 1 && serverUrls(s, gone).length === 1, 'both');

  await daemon.restart();
  const keptIp = await containerIp(kept, 'bridge', daemon.host);
  const after = await recorder.waitFor(
    (s) => serverUrls(s, gone).length === 0 && serverUrls(s, kept)[0] === `http://${keptIp}:80`,
    `only ${kept}, at its new address, after the restart`,
    30_000,
  );
  assert.deepEqual(Object.keys(after.config.http.routers), [kept]);
  assert.deepEqual(after.issues, []);

  // The event stream was re-established: a container started now is routed without any poll.
  await sandbox.run(fresh);
  const freshIp = await containerIp(fresh, 'bridge', daemon.host);
  const latest = await recorder.waitFor((s) => serverUrls(s, fresh).length === 1, `${fresh} after the restart`);
  assert.deepEqual(serverUrls(latest, fresh), [`http://${freshIp}:80`]);
  assert.ok(
    recorder.snapshots.some((s) => s.issues.some((issue) => /cannot read Docker/.test(issue.message))),
    'the outage was reported',
  );
});
