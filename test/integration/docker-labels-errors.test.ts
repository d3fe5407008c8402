import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { DockerSandbox, dockerReady } from '../helpers/docker-env.js';
import { freePort, startPortier, tempDir, waitFor, type RunningPortier } from '../helpers/portier.js';

const skip = await dockerReady();

interface ProviderIssue {
  message: string;
  key?: string;
  location?: string;
}

describe('a label typo on a real container, read back through the API', { skip }, () => {
  const sandbox = new DockerSandbox();
  let portier: RunningPortier;
  let web: number;
  let api: number;

  const getJson = async (path: string): Promise<unknown> => {
    const response = await request(`http://127.0.0.1:${api}${path}`);
    assert.equal(response.statusCode, 200, path);
    return response.body.json();
  };

  before(async () => {
    [web, api] = [await freePort(), await freePort()];
    const dir = tempDir({
      'portier.yml': `entryPoints:
  web: { address: "127.0.0.1:${web}" }
  traefik: { address: "127.0.0.1:${api}" }
api: { insecure: true, dashboard: false }
providers:
  docker:
    constraints: "${sandbox.constraint}"
`,
    });
    portier = await startPortier(['-c', `${dir}/portier.yml`]);
  });

  after(async () => {
    await portier?.stop();
    await sandbox.cleanup();
  });

  test('/api/providers names the label, the container and the closest key; the sibling keeps serving', async () => {
    const broken = sandbox.name('typo');
    await sandbox.run(broken, { labels: { 'traefik.http.routers.x.rulee': 'Host(`typo.test`)' } });
    await sandbox.run(sandbox.name('sibling'), { labels: { 'traefik.http.routers.ok.rule': 'Host(`ok.test`)' } });

    let issue: ProviderIssue | undefined;
    await waitFor(
      async () => {
        const providers = (await getJson('/api/providers')) as { name: string; issues: ProviderIssue[] }[];
        issue = providers.find((p) => p.name === 'docker')?.issues.find((i) => i.location === `container "${broken}"`);
        return issue !== undefined;
      },
      15_000,
      'the docker provider reporting the typo',
    );
    assert.equal(issue!.key, 'traefik.http.routers.x.rulee');
    assert.match(issue!.message, /unknown key "rulee" \(did you mean "traefik\.http\.routers\.x\.rule"\?\)/);
    assert.match(issue!.message, /is not routed until the label is fixed/);

    await waitFor(
      async () => (await request(`http://127.0.0.1:${web}/`, { headers: { host: 'ok.test' } })).statusCode === 200,
      15_000,
      'the sibling container routed',
    );
    const routers = (await getJson('/api/http/routers?search=test')) as { name: string; status: string }[];
    assert.deepEqual(
      routers.map((r) => [r.name, r.status]),
      [['ok@docker', 'enabled']],
    );
    const typoAnswer = await request(`http://127.0.0.1:${web}/`, { headers: { host: 'typo.test' } });
    await typoAnswer.body.dump();
    assert.equal(typoAnswer.statusCode, 404);
    // The provider is shown in error, so a dashboard user sees something is wrong.
    const states = (await getJson('/api/providers')) as { name: string; state: string }[];
    assert.equal(states.find((p) => p.name === 'docker')?.state, 'error');
  });
});
