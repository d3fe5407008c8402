import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wantedCertificates } from '../../src/acme/wanted-domains.js';
import type { StaticConfig } from '../../src/config/static/types.js';

const config: StaticConfig = {
  entryPoints: { edge: { address: ':443', http: { tls: { certResolver: 'le' } } } },
  providers: {},
};

test('TCP routers that terminate TLS ask their resolver for their HostSNI names or tls.domains', () => {
  const wanted = wantedCertificates({}, config, {
    'db@docker': {
      rule: 'HostSNI(`DB.example.com`) || HostSNI(`*.example.com`)',
      service: 'db',
      tls: { certResolver: 'le' },
    },
    'mq@file': {
      rule: 'HostSNI(`*`)',
      service: 'mq',
      tls: { certResolver: 'le', domains: [{ main: 'mq.example.com', sans: ['amqp.example.com'] }] },
    },
    'pass@file': { rule: 'HostSNI(`pass.example.com`)', service: 'p', tls: { certResolver: 'le', passthrough: true } },
    // The entry point's http.tls resolver is for HTTP routers only, as in Traefik.
    'plain@file': { rule: 'HostSNI(`plain.example.com`)', service: 'p', entryPoints: ['edge'], tls: {} },
    'broken@file': { rule: 'Host(`x`)', service: 'p', tls: { certResolver: 'le' } },
    // A name under `!` is one the router refuses: no certificate for it.
    'but-admin@file': {
      rule: 'HostSNI(`*`) && !HostSNI(`admin.example.com`)',
      service: 'p',
      tls: { certResolver: 'le' },
    },
  });
  assert.deepEqual(wanted, [
    { resolver: 'le', names: ['db.example.com'] },
    { resolver: 'le', names: ['mq.example.com', 'amqp.example.com'] },
  ]);
});
