import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renewalDue } from '../../src/acme/renewal.js';
import { toBase64, type StoredCertificate } from '../../src/acme/store.js';
import { tempDir } from '../helpers/portier.js';
import { makeCa, makeLeaf } from '../helpers/tls-certs.js';

const dir = tempDir();
const ca = makeCa(dir);
// Valid for one day from now.
const oneDay = makeLeaf(dir, ca, 'one-day', ['renew.example.com']);
const stored = (certificate: string): StoredCertificate => ({
  domain: { main: 'renew.example.com' },
  certificate: toBase64(certificate),
  key: toBase64(oneDay.key),
  Store: 'default',
});

test("a certificate with a day left is due under Let's Encrypt's 90-day lifetime (renewed 30 days ahead)", () => {
  assert.equal(renewalDue(stored(oneDay.cert)), true);
  assert.equal(renewalDue(stored(oneDay.cert), 90 * 24), true);
});

test('with 1-day certificates (certificatesDuration: 24) it is renewed only in its last 6 hours', () => {
  assert.equal(renewalDue(stored(oneDay.cert), 24), false);
  // Under a day: renewed in the last 20 minutes only.
  assert.equal(renewalDue(stored(oneDay.cert), 12), false);
});

test('an unreadable stored certificate is due, so it gets replaced', () => {
  assert.equal(renewalDue(stored('not a certificate')), true);
});
