import { X509Certificate } from 'node:crypto';
import { resolve } from 'node:path';
import * as acme from 'acme-client';
import type { RouterConfig, TlsCertificateConfig } from '../config/dynamic/types.js';
import type { AcmeResolverConfig, StaticConfig } from '../config/static/types.js';
import { logger } from '../observability/logger.js';
import type { PemPair } from '../tls/self-signed.js';
import { AcmeStorage, fromBase64, toBase64, type StoredCertificate } from './storage.js';
import { wantedCertificates, type WantedCertificate } from './wanted-domains.js';

const LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';
const RENEWAL_CHECK_MS = 12 * 3600_000;
const HTTP_CHALLENGE_PREFIX = '/.well-known/acme-challenge/';

/**
 * `certificatesResolvers.<name>.acme`: orders certificates for the names routers ask for, one
 * order at a time, answers HTTP-01 and TLS-ALPN-01 challenges through the entry points, keeps
 * everything in Traefik's acme.json format and renews certificates before they expire.
 */
export class AcmeManager {
  private readonly storages = new Map<string, AcmeStorage>();
  private readonly httpTokens = new Map<string, string>();
  private readonly alpnCertificates = new Map<string, PemPair>();
  private readonly failed = new Map<string, number>();
  private queue: Promise<void> = Promise.resolve();
  private wanted: WantedCertificate[] = [];
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly config: StaticConfig,
    private readonly baseDir: string,
    /** Called when certificates changed (obtained or renewed). */
    private readonly onChange: () => void,
  ) {
    this.timer = setInterval(() => this.check(), RENEWAL_CHECK_MS).unref();
  }

  get enabled(): boolean {
    return Object.values(this.config.certificatesResolvers ?? {}).some((r) => r.acme);
  }

  /** The stored certificates, for the TLS manager (inline PEM). */
  certificates(): TlsCertificateConfig[] {
    const result: TlsCertificateConfig[] = [];
    for (const name of Object.keys(this.resolvers())) {
      for (const stored of this.storage(name).resolver(name).Certificates) {
        result.push({ certFile: fromBase64(stored.certificate), keyFile: fromBase64(stored.key) });
      }
    }
    return result;
  }

  /** The key authorization for an HTTP-01 request path, if it is a challenge in progress. */
  httpChallenge(path: string): string | undefined {
    return path.startsWith(HTTP_CHALLENGE_PREFIX)
      ? this.httpTokens.get(path.slice(HTTP_CHALLENGE_PREFIX.length))
      : undefined;
  }

  /** The TLS-ALPN-01 certificate for a server name, while its challenge is in progress. */
  alpnChallenge(serverName: string): PemPair | undefined {
    return this.alpnCertificates.get(serverName.toLowerCase());
  }

  /** New routing: order what is missing. */
  update(routers: Record<string, RouterConfig>): void {
    if (!this.enabled) return;
    this.wanted = wantedCertificates(routers, this.config);
    this.check();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  /** Resolves once every order queued so far is done (for tests and shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  private check(): void {
    for (const want of this.wanted) {
      const config = this.resolvers()[want.resolver];
      if (!config) {
        logger.error(
          `certificatesResolvers.${want.resolver}: no such resolver (a router's tls.certResolver names it); define it in the static configuration`,
        );
        continue;
      }
      const stored = this.find(want);
      if (stored && !this.due(stored, config)) continue;
      const key = `${want.resolver}|${want.names.join(',')}`;
      // A failed order is retried at the next check, not in a tight loop on every reload.
      if ((this.failed.get(key) ?? 0) > Date.now() - 60_000) continue;
      this.queue = this.queue.then(() => this.order(want, config, stored, key));
    }
  }

  private async order(
    want: WantedCertificate,
    config: AcmeResolverConfig,
    previous: StoredCertificate | undefined,
    key: string,
  ) {
    if (this.closed) return;
    const stillNeeded = this.find(want);
    if (stillNeeded && stillNeeded !== previous && !this.due(stillNeeded, config)) return;
    const started = Date.now();
    try {
      const client = await this.client(want.resolver, config);
      const [certKey, csr] = await acme.crypto.createCsr({ commonName: want.names[0]!, altNames: want.names });
      const certificate = await client.auto({
        csr,
        email: config.email,
        termsOfServiceAgreed: true,
        skipChallengeVerification: true,
        challengePriority:
          config.tlsChallenge && !config.httpChallenge
            ? ['tls-alpn-01']
            : config.httpChallenge
              ? ['http-01']
              : ['tls-alpn-01'],
        challengeCreateFn: async (authz, challenge, keyAuthorization) => {
          if (challenge.type === 'http-01') this.httpTokens.set(challenge.token, keyAuthorization);
          else if ((challenge.type as string) === 'tls-alpn-01') {
            const [alpnKey, alpnCert] = await acme.crypto.createAlpnCertificate(authz, keyAuthorization);
            this.alpnCertificates.set(authz.identifier.value.toLowerCase(), {
              key: alpnKey.toString(),
              cert: alpnCert.toString(),
            });
          }
        },
        challengeRemoveFn: (authz, challenge) => {
          this.httpTokens.delete(challenge.token);
          this.alpnCertificates.delete(authz.identifier.value.toLowerCase());
          return Promise.resolve();
        },
      });
      const record = this.storage(want.resolver).resolver(want.resolver);
      record.Certificates = record.Certificates.filter((c) => c !== previous);
      record.Certificates.push({
        domain: { main: want.names[0]!, ...(want.names.length > 1 ? { sans: want.names.slice(1) } : {}) },
        certificate: toBase64(certificate),
        key: toBase64(certKey),
        Store: 'default',
      });
      this.storage(want.resolver).save();
      this.failed.delete(key);
      logger.info(
        { resolver: want.resolver, domains: want.names, ms: Date.now() - started },
        previous ? 'certificate renewed' : 'certificate obtained',
      );
      this.onChange();
    } catch (error) {
      this.failed.set(key, Date.now());
      logger.error(
        { resolver: want.resolver, domains: want.names, err: (error as Error).message },
        `certificatesResolvers.${want.resolver}: could not obtain a certificate for ${want.names.join(', ')}: ${(error as Error).message}`,
      );
    }
  }

  private async client(name: string, config: AcmeResolverConfig): Promise<acme.Client> {
    const storage = this.storage(name);
    const record = storage.resolver(name);
    const directoryUrl = config.caServer ?? LETS_ENCRYPT;
    if (!record.Account) {
      const accountKey = await acme.crypto.createPrivateEcdsaKey();
      record.Account = { Email: config.email, PrivateKey: toBase64(accountKey) };
    }
    const client = new acme.Client({
      directoryUrl,
      accountKey: fromBase64(record.Account.PrivateKey),
      ...(record.Account.Registration?.uri ? { accountUrl: record.Account.Registration.uri } : {}),
    });
    if (!record.Account.Registration?.uri) {
      await client.createAccount({
        termsOfServiceAgreed: true,
        ...(config.email ? { contact: [`mailto:${config.email}`] } : {}),
      });
      record.Account.Registration = { uri: client.getAccountUrl() };
      storage.save();
    }
    return client;
  }

  private find(want: WantedCertificate): StoredCertificate | undefined {
    const record = this.storage(want.resolver).resolver(want.resolver);
    const key = want.names.join(',');
    return record.Certificates.find((c) => [c.domain.main, ...(c.domain.sans ?? [])].join(',') === key);
  }

  /** Traefik's renewal windows: a third or so of the lifetime for short certificates. */
  private due(stored: StoredCertificate, config: AcmeResolverConfig): boolean {
    const hours = config.certificatesDuration ?? 2160;
    const renewBeforeHours =
      hours >= 365 * 24 ? 4 * 30 * 24 : hours >= 90 * 24 ? 30 * 24 : hours >= 7 * 24 ? 24 : hours >= 24 ? 6 : 1 / 3;
    try {
      const notAfter = Date.parse(new X509Certificate(fromBase64(stored.certificate)).validTo);
      return notAfter - Date.now() < renewBeforeHours * 3600_000;
    } catch {
      return true;
    }
  }

  private resolvers(): Record<string, AcmeResolverConfig> {
    const result: Record<string, AcmeResolverConfig> = {};
    for (const [name, resolver] of Object.entries(this.config.certificatesResolvers ?? {})) {
      if (resolver.acme) result[name] = resolver.acme;
    }
    return result;
  }

  private storage(resolver: string): AcmeStorage {
    const path = resolve(this.baseDir, this.resolvers()[resolver]?.storage ?? 'acme.json');
    let storage = this.storages.get(path);
    if (!storage) {
      storage = new AcmeStorage(path);
      this.storages.set(path, storage);
    }
    return storage;
  }
}
