import type { RuntimeView } from '../../src/runtime/view.js';

/**
 * A runtime view built by hand after the configuration of Traefik's own API tests
 * (pkg/api/testdata: routers bar/test@myprovider, service foo-service@myprovider, middlewares
 * auth@myprovider and addPrefixTest@anotherprovider), plus broken objects and a provider issue.
 */
export function sampleView(): RuntimeView {
  return {
    generation: 3,
    updatedAt: '2026-11-25T21:00:00.000Z',
    entryPoints: {
      web: { name: 'web', address: ':80' },
      traefik: { name: 'traefik', address: ':8080' },
    },
    routers: {
      'bar@myprovider': {
        name: 'bar@myprovider',
        provider: 'myprovider',
        status: 'enabled',
        entryPoints: ['web'],
        middlewares: ['auth', 'addPrefixTest@anotherprovider'],
        service: 'foo-service@myprovider',
        rule: 'Host(`foo.bar`)',
        using: ['web'],
        priority: 0,
      },
      'test@myprovider': {
        name: 'test@myprovider',
        provider: 'myprovider',
        status: 'enabled',
        entryPoints: ['web'],
        middlewares: ['addPrefixTest', 'auth'],
        service: 'foo-service@myprovider',
        rule: 'Host(`foo.bar.other`)',
        using: ['web'],
        priority: 21,
      },
      'broken@file': {
        name: 'broken@file',
        provider: 'file',
        status: 'disabled',
        error: ['the service "missing@file" does not exist'],
        entryPoints: ['web'],
        service: 'missing@file',
        rule: 'PathPrefix(`/broken`)',
        using: ['web'],
        priority: 23,
        tls: {},
      },
      'partial@file': {
        name: 'partial@file',
        provider: 'file',
        status: 'warning',
        error: ['entryPoint "websecure" doesn\'t exist'],
        entryPoints: ['web', 'websecure'],
        service: 'foo-service@myprovider',
        rule: 'Path(`/partial`)',
        using: ['web'],
        priority: 17,
      },
    },
    services: {
      'foo-service@myprovider': {
        name: 'foo-service@myprovider',
        provider: 'myprovider',
        status: 'enabled',
        type: 'loadbalancer',
        loadBalancer: { passHostHeader: false, servers: [{ url: 'http://127.0.0.1' }] },
        serverStatus: { 'http://127.0.0.1': 'UP' },
        usedBy: ['bar@myprovider', 'test@myprovider'],
      },
      'pool@file': {
        name: 'pool@file',
        provider: 'file',
        status: 'enabled',
        type: 'loadbalancer',
        loadBalancer: {
          servers: [
            { url: 'http://10.0.0.1:8080', weight: 3 },
            { url: 'http://10.0.0.2:8080', weight: 1 },
          ],
        },
        serverStatus: { 'http://10.0.0.1:8080': 'UP', 'http://10.0.0.2:8080': 'DOWN' },
        usedBy: [],
      },
      'api@internal': { name: 'api@internal', provider: 'internal', status: 'enabled', type: 'internal', usedBy: [] },
    },
    middlewares: {
      'auth@myprovider': {
        name: 'auth@myprovider',
        provider: 'myprovider',
        status: 'enabled',
        type: 'basicAuth',
        basicAuth: { users: ['admin:admin'] },
        usedBy: ['bar@myprovider', 'test@myprovider'],
      },
      'addPrefixTest@anotherprovider': {
        name: 'addPrefixTest@anotherprovider',
        provider: 'anotherprovider',
        status: 'enabled',
        type: 'addPrefix',
        addPrefix: { prefix: '/toto' },
        usedBy: ['bar@myprovider'],
      },
      'typo@docker': {
        name: 'typo@docker',
        provider: 'docker',
        status: 'disabled',
        error: ['unknown option "prefixs" (did you mean "prefixes"?)'],
        type: 'stripPrefix',
        stripPrefix: {},
        usedBy: [],
      },
    },
    providers: {
      file: { name: 'file', state: 'ok', lastUpdate: '2026-11-25T21:00:00.000Z', issues: [] },
      docker: {
        name: 'docker',
        state: 'error',
        lastUpdate: '2026-11-25T21:00:00.000Z',
        issues: [
          {
            message: 'unknown label key (did you mean "traefik.http.middlewares.typo.stripprefix.prefixes"?)',
            key: 'traefik.http.middlewares.typo.stripprefix.prefixs',
            location: 'container web-1',
            object: { kind: 'middleware', name: 'typo@docker' },
          },
        ],
      },
      internal: { name: 'internal', state: 'ok', issues: [] },
    },
  };
}
