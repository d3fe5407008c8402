/**
 * A separate Portier "instance" for the shared signing-key test: joins the cluster Redis given as
 * argv[2], prints its JWKS and one minted JWT as JSON, and exits.
 */
import { closeGateway, configureGateway } from '../../src/gateway/settings.js';
import { mintJwt, publicJwks } from '../../src/gateway/signing-keys.js';

configureGateway({ jwt: { issuer: 'https://cluster.test' } }, { redis: { endpoint: process.argv[2]! } });
const jwks = await publicJwks();
const token = await mintJwt({ aud: 'svc', sub: 'u', client_id: 'c' }, 60);
process.stdout.write(JSON.stringify({ jwks, token }));
await closeGateway();
