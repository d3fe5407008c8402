import * as acme from 'acme-client';
import type { AcmeResolverConfig } from '../config/static/types.js';
import type { PemPair } from '../tls/self-signed.js';
import { fromBase64, toBase64, type ChallengeEvent, type StoredAccount, type StoredCertificate } from './store.js';
import type { WantedCertificate } from './wanted-domains.js';

/** Makes a challenge answer servable (or, without a value, withdraws it) before the CA checks. */
export type PublishChallenge = (event: ChallengeEvent) => Promise<void>;

/** An ACME client for a registered account. */
export function accountClient(directoryUrl: string, account: StoredAccount): acme.Client {
  return new acme.Client({
    directoryUrl,
    accountKey: fromBase64(account.PrivateKey),
    ...(account.Registration?.uri ? { accountUrl: account.Registration.uri } : {}),
  });
}

/** Registers an account with the CA, with the key of an unregistered stored one if there is one. */
export async function registerAccount(
  directoryUrl: string,
  config: AcmeResolverConfig,
  unregistered: StoredAccount | undefined,
): Promise<StoredAccount> {
  const privateKey = unregistered?.PrivateKey ?? toBase64(await acme.crypto.createPrivateEcdsaKey());
  const client = new acme.Client({ directoryUrl, accountKey: fromBase64(privateKey) });
  await client.createAccount({
    termsOfServiceAgreed: true,
    ...(config.email ? { contact: [`mailto:${config.email}`] } : {}),
  });
  return {
    ...(config.email ? { Email: config.email } : {}),
    PrivateKey: privateKey,
    Registration: { uri: client.getAccountUrl() },
  };
}

/**
 * Orders one certificate with the resolver's challenge: HTTP-01 when `httpChallenge` is set,
 * else TLS-ALPN-01 (DNS-01 is not supported). Returns it as acme.json stores it.
 */
export async function orderCertificate(
  client: acme.Client,
  want: WantedCertificate,
  config: AcmeResolverConfig,
  publish: PublishChallenge,
): Promise<StoredCertificate> {
  const [certKey, csr] = await acme.crypto.createCsr({ commonName: want.names[0]!, altNames: want.names });
  const certificate = await client.auto({
    csr,
    email: config.email,
    termsOfServiceAgreed: true,
    skipChallengeVerification: true,
    challengePriority: config.httpChallenge ? ['http-01'] : ['tls-alpn-01'],
    challengeCreateFn: async (authz, challenge, keyAuthorization) => {
      if (challenge.type === 'http-01') {
        await publish({ kind: 'http', id: challenge.token, value: keyAuthorization });
      } else if ((challenge.type as string) === 'tls-alpn-01') {
        const [alpnKey, alpnCert] = await acme.crypto.createAlpnCertificate(authz, keyAuthorization);
        const pair: PemPair = { key: alpnKey.toString(), cert: alpnCert.toString() };
        await publish({ kind: 'alpn', id: authz.identifier.value.toLowerCase(), value: JSON.stringify(pair) });
      }
    },
    challengeRemoveFn: async (authz, challenge) => {
      if (challenge.type === 'http-01') await publish({ kind: 'http', id: challenge.token });
      else await publish({ kind: 'alpn', id: authz.identifier.value.toLowerCase() });
    },
  });
  return {
    domain: { main: want.names[0]!, ...(want.names.length > 1 ? { sans: want.names.slice(1) } : {}) },
    certificate: toBase64(certificate),
    key: toBase64(certKey),
    Store: 'default',
  };
}
