import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadStaticConfig } from '../../src/config/static/index.js';
import { lineFilter } from '../../src/observability/access-log-filters.js';
import { tempDir } from '../helpers/portier.js';

const MS = 1e6;

function loadToml(text: string) {
  const file = join(tempDir(), 'portier.toml');
  writeFileSync(file, text);
  return loadStaticConfig({ configFile: file, args: [], env: {} });
}

describe('access log filters', () => {
  it('keeps every line without filters or with an empty filters section', () => {
    assert.equal(lineFilter(undefined), undefined);
    assert.equal(lineFilter({}), undefined);
    assert.equal(lineFilter({ statusCodes: [], retryAttempts: false, minDuration: 0 }), undefined);
  });

  it('keeps statuses in any listed code or inclusive range', () => {
    const keep = lineFilter({ statusCodes: ['200', '400-404', '500-503'] })!;
    for (const status of [200, 400, 403, 404, 500, 503]) assert.equal(keep(status, 0, 0), true, String(status));
    for (const status of [201, 302, 405, 499, 504]) assert.equal(keep(status, 0, 0), false, String(status));
  });

  it('keeps retried requests with retryAttempts, and requests slower than minDuration', () => {
    const retried = lineFilter({ retryAttempts: true })!;
    assert.equal(retried(200, 1, 0), true);
    assert.equal(retried(200, 0, 0), false);
    const slow = lineFilter({ minDuration: '10ms' })!;
    assert.equal(slow(200, 0, 11 * MS), true);
    // Traefik keeps strictly longer requests only.
    assert.equal(slow(200, 0, 10 * MS), false);
    assert.equal(slow(200, 0, 2 * MS), false);
  });

  it('keeps a line when any one filter matches', () => {
    const keep = lineFilter({ statusCodes: ['500-599'], retryAttempts: true, minDuration: '1s' })!;
    assert.equal(keep(502, 0, MS), true);
    assert.equal(keep(200, 2, MS), true);
    assert.equal(keep(200, 0, 1500 * MS), true);
    assert.equal(keep(200, 0, MS), false);
  });

  it('reads filters from TOML, flags and a bare number of seconds', () => {
    const file = loadToml(
      '[accessLog]\n[accessLog.filters]\nstatusCodes = ["200", "300-302"]\nretryAttempts = true\nminDuration = "10ms"\n',
    );
    assert.deepEqual(file.errors, []);
    assert.deepEqual(file.config.accessLog?.filters, {
      statusCodes: ['200', '300-302'],
      retryAttempts: true,
      minDuration: '10ms',
    });
    const flags = loadStaticConfig({
      args: ['--accesslog.filters.statuscodes=200,300-302', '--accesslog.filters.retryattempts=true'],
      env: {},
    });
    assert.deepEqual(flags.errors, []);
    assert.deepEqual(flags.config.accessLog?.filters, { statusCodes: ['200', '300-302'], retryAttempts: true });
    assert.equal(lineFilter({ minDuration: 2 })!(200, 0, 2001 * MS), true);
  });

  it('reads the same filters and fields from a v1 file', () => {
    const v1 = loadToml(
      [
        'defaultEntryPoints = ["http"]',
        '[entryPoints.http]',
        'address = ":8081"',
        '[accessLog]',
        'format = "json"',
        '[accessLog.filters]',
        'statusCodes = ["500-599"]',
        'minDuration = "10ms"',
        '[accessLog.fields.names]',
        'ClientUsername = "drop"',
        '',
      ].join('\n'),
    );
    assert.deepEqual(v1.errors, []);
    assert.deepEqual(v1.config.accessLog?.filters, { statusCodes: ['500-599'], minDuration: '10ms' });
    assert.deepEqual(v1.config.accessLog?.fields, { names: { ClientUsername: 'drop' } });
    assert.equal(v1.warnings.filter((warning) => /accessLog/.test(warning)).length, 0);
  });

  it('rejects bad values with the key and the fix', () => {
    const describe = (text: string) => loadToml(text).errors.map((error) => error.describe());
    const [range] = describe('[accessLog.filters]\nstatusCodes = ["200", "500-400"]\n');
    assert.match(range!, /accessLog\.filters\.statusCodes.*1/);
    assert.match(range!, /"500-400" is not a status code or range; write "404" or "500-599"/);
    const [word] = describe('[accessLog.filters]\nstatusCodes = ["2xx"]\n');
    assert.match(word!, /"2xx" is not a status code or range/);
    const [duration] = describe('[accessLog.filters]\nminDuration = "soon"\n');
    assert.match(duration!, /accessLog\.filters\.minDuration.*"soon" is not a duration/);
    const [unknown] = describe('[accessLog.filters]\nstatusCode = ["200"]\n');
    assert.match(unknown!, /statusCode.*statusCodes/);
  });
});
