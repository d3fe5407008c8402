import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFileProvider, loadDynamicFiles } from '../../src/providers/file/index.js';
import type { Provider } from '../../src/providers/types.js';
import { tempDir } from '../helpers/config-temp-files.js';
import { SnapshotRecorder } from '../helpers/file-provider-snapshots.js';

const router = (name: string, host: string, service = 'app') =>
  `http:\n  routers:\n    ${name}:\n      rule: Host(\`${host}\`)\n      service: ${service}\n`;
const SERVICE_TOML =
  '[http.services.app.loadBalancer]\n[[http.services.app.loadBalancer.servers]]\nurl = "http://127.0.0.1:9000"\n';

const started: Provider[] = [];
after(async () => {
  for (const provider of started) await provider.stop();
});

async function start(config: Parameters<typeof createFileProvider>[0], baseDir: string) {
  const provider = createFileProvider(config, baseDir);
  started.push(provider);
  const recorder = new SnapshotRecorder();
  await provider.start(recorder.emit);
  return recorder;
}

describe('file provider: reading', () => {
  it('merges a directory tree of TOML and YAML files, skipping hidden files', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'services.toml'), SERVICE_TOML);
    writeFileSync(join(dir, 'sub', 'routers.yaml'), router('web', 'a.com'));
    writeFileSync(join(dir, '.hidden.yml'), router('hidden', 'h.com'));
    writeFileSync(join(dir, 'notes.txt'), 'not config');
    const snapshot = await loadDynamicFiles({ directory: '.' }, dir);
    assert.deepEqual(snapshot.issues, []);
    assert.deepEqual(Object.keys(snapshot.config.http.routers), ['web']);
    assert.deepEqual(snapshot.config.http.services.app?.loadBalancer?.servers, [{ url: 'http://127.0.0.1:9000' }]);
  });

  it('reports an object defined in two files, naming both, and keeps the first', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yml'), router('web', 'a.com'));
    writeFileSync(join(dir, 'b.yml'), router('web', 'b.com'));
    const snapshot = await loadDynamicFiles({ directory: dir }, '/');
    assert.equal(snapshot.config.http.routers.web?.rule, 'Host(`a.com`)');
    assert.equal(snapshot.issues.length, 1);
    const [issue] = snapshot.issues;
    assert.match(
      issue?.message ?? '',
      new RegExp(`router "web" is defined in both ${join(dir, 'a.yml')} and ${join(dir, 'b.yml')}`),
    );
    assert.equal(issue?.location, `${join(dir, 'b.yml')}:3:5`);
  });

  it('reports a broken object with its file position and keeps the others', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'r.yml'),
      router('good', 'a.com') + '    bad:\n      rule: Host(`b.com`)\n      servce: app\n',
    );
    const snapshot = await loadDynamicFiles({ filename: 'r.yml' }, dir);
    assert.deepEqual(Object.keys(snapshot.config.http.routers), ['good']);
    assert.equal(snapshot.issues[0]?.location, `${join(dir, 'r.yml')}:8:7`);
    assert.deepEqual(snapshot.issues[0]?.object, { kind: 'router', name: 'bad' });
  });

  it('reads the rules of a v1 static file that points [file] at itself', async () => {
    const file = join(tempDir(), 'traefik.toml');
    writeFileSync(
      file,
      'port = ":80"\n[file]\n[backends.b.servers.s]\nurl = "http://127.0.0.1:1"\n[frontends.f]\nbackend = "b"\n[frontends.f.routes.r]\nrule = "Host:a.com"\n',
    );
    const snapshot = await loadDynamicFiles({ filename: file }, '/');
    assert.deepEqual(snapshot.issues, []);
    assert.equal(snapshot.config.http.routers.f?.rule, 'Host(`a.com`)');
  });

  it('reports a missing file or directory', async () => {
    const dir = tempDir();
    assert.match((await loadDynamicFiles({ filename: 'nope.yml' }, dir)).issues[0]?.message ?? '', /does not exist/);
    assert.match((await loadDynamicFiles({ directory: 'nope' }, dir)).issues[0]?.message ?? '', /does not exist/);
  });
});

describe('file provider: watching', () => {
  it('applies edits, rename-saves and deletions live', async () => {
    const dir = tempDir();
    const file = join(dir, 'routers.yml');
    writeFileSync(file, router('web', 'a.com'));
    writeFileSync(join(dir, 'services.toml'), SERVICE_TOML);
    const recorder = await start({ directory: dir, watch: true }, '/');
    assert.equal(recorder.latest?.config.http.routers.web?.rule, 'Host(`a.com`)');

    writeFileSync(file, router('web', 'b.com'));
    await recorder.waitFor((s) => s.config.http.routers.web?.rule === 'Host(`b.com`)');

    // An editor's save: write a temporary file beside it, then rename it over the original.
    writeFileSync(join(dir, 'routers.yml.swp'), router('web', 'c.com'));
    renameSync(join(dir, 'routers.yml.swp'), file);
    await recorder.waitFor((s) => s.config.http.routers.web?.rule === 'Host(`c.com`)');

    mkdirSync(join(dir, 'more'));
    writeFileSync(join(dir, 'more', 'extra.yml'), router('extra', 'x.com'));
    await recorder.waitFor((s) => s.config.http.routers.extra !== undefined);
    writeFileSync(join(dir, 'more', 'extra.yml'), router('extra', 'y.com'));
    await recorder.waitFor((s) => s.config.http.routers.extra?.rule === 'Host(`y.com`)');

    rmSync(file);
    const after = await recorder.waitFor((s) => s.config.http.routers.web === undefined);
    assert.ok(after.config.http.services.app, 'other files are unaffected');
  });

  it('keeps the same winner of a duplicate whatever the order files appeared in', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'b.yml'), router('web', 'b.com'));
    const recorder = await start({ directory: dir, watch: true }, '/');
    writeFileSync(join(dir, 'a.yml'), router('web', 'a.com'));
    const merged = await recorder.waitFor((s) => s.issues.length > 0);
    assert.equal(merged.config.http.routers.web?.rule, 'Host(`a.com`)');
  });

  it('keeps serving the last good content of a file that stops parsing', async () => {
    const dir = tempDir();
    const file = join(dir, 'routers.yml');
    writeFileSync(file, router('web', 'a.com'));
    writeFileSync(join(dir, 'other.yml'), router('other', 'o.com'));
    const recorder = await start({ directory: dir, watch: true }, '/');

    writeFileSync(file, 'http:\n  routers:\n    web: [unclosed\n');
    const broken = await recorder.waitFor((s) => s.issues.length > 0);
    assert.equal(broken.config.http.routers.web?.rule, 'Host(`a.com`)', 'nothing is lost');
    assert.ok(broken.config.http.routers.other);
    assert.match(broken.issues[0]?.message ?? '', /YAML syntax error.*last good version is still served/);
    assert.match(broken.issues[0]?.location ?? '', new RegExp(`^${file}:\\d+:\\d+$`));

    writeFileSync(file, router('web', 'fixed.com'));
    const fixed = await recorder.waitFor((s) => s.config.http.routers.web?.rule === 'Host(`fixed.com`)');
    assert.deepEqual(fixed.issues, []);
  });

  it('does not emit again when the content did not change', async () => {
    const dir = tempDir();
    const file = join(dir, 'routers.yml');
    writeFileSync(file, router('web', 'a.com'));
    const recorder = await start({ filename: file, watch: true }, '/');
    writeFileSync(file, router('web', 'a.com'));
    writeFileSync(join(dir, 'unrelated.txt'), 'x');
    await sleep(300);
    assert.equal(recorder.snapshots.length, 1);
    writeFileSync(file, router('web', 'b.com'));
    await recorder.waitFor((s) => s.config.http.routers.web?.rule === 'Host(`b.com`)');
    assert.equal(recorder.snapshots.length, 2);
  });

  it('picks up a directory created after the start', async () => {
    const dir = tempDir();
    const recorder = await start({ directory: 'rules', watch: true }, dir);
    assert.match(recorder.latest?.issues[0]?.message ?? '', /does not exist/);
    mkdirSync(join(dir, 'rules'));
    await recorder.waitFor((s) => s.issues.length === 0);
    writeFileSync(join(dir, 'rules', 'r.yml'), router('web', 'a.com'));
    await recorder.waitFor((s) => s.config.http.routers.web !== undefined);
  });

  it('watches by default, as Traefik does, and not with watch = false', async () => {
    const dir = tempDir();
    const watched = join(dir, 'watched.yml');
    const frozen = join(dir, 'frozen', 'frozen.yml');
    mkdirSync(join(dir, 'frozen'));
    writeFileSync(watched, router('web', 'a.com'));
    writeFileSync(frozen, router('web', 'a.com'));
    const byDefault = await start({ filename: watched }, '/');
    const notWatched = await start({ filename: frozen, watch: false }, '/');
    writeFileSync(watched, router('web', 'b.com'));
    writeFileSync(frozen, router('web', 'b.com'));
    await byDefault.waitFor((s) => s.config.http.routers.web?.rule === 'Host(`b.com`)');
    await sleep(100);
    assert.equal(notWatched.snapshots.length, 1);
  });

  it('stops watching on stop()', async () => {
    const dir = tempDir();
    const file = join(dir, 'routers.yml');
    writeFileSync(file, router('web', 'a.com'));
    const provider = createFileProvider({ filename: file, watch: true }, '/');
    const recorder = new SnapshotRecorder();
    await provider.start(recorder.emit);
    await provider.stop();
    writeFileSync(file, router('web', 'b.com'));
    await sleep(200);
    assert.equal(recorder.snapshots.length, 1);
  });
});
