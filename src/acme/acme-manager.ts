import { existsSync } from 'node:fs';
import * as acme from 'acme-client';
import type { RouterConfig, TcpRouterConfig, TlsCertificateConfig } from '../config/dynamic/types.js';
import type { AcmeResolverConfig, StaticConfig } from '../config/static/types.js';
import { logger } from '../observability/logger.js';
import type { PemPair } from '../tls/self-signed.js';
import { readAcmeFile } from './file-store.js';
import {
  domainKey,
  fromBase64,
  type AcmeStore,
  type ChallengeEvent,
  type ResolverRecord,
  type StoredCertificate,
} from './store.js';
import { AcmeStores, type ResolverStore } from './stores.js';
import { accountClient, orderCertificate, registerAccount } from './ordering.js';
import { renewalDue } from './renewal.js';
import { wantedCertificates, type WantedCertificate } from './wanted-domains.js';

const LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';
const RENEWAL_CHECK_MS = 12 * 3600_000;
const LOAD_RETRY_MS = 2000;
const HTTP_CHALLENGE_PREFIX = '/.well-known/acme-challenge/';
/**
 * The CA may validate at any instance the moment it is told to: give the others this long to
 * hear of a challenge published in the shared store (Redis delivers in well under a millisecond
 * on a LAN; an etcd watcher reads the value in one more round trip).
 */
const CHALLENGE_PROPAGATION_MS = 250;

/**
 * `certificatesResolvers.<name>.acme`: orders certificates for the names routers ask for, one
 * order at a time, answers HTTP-01 and TLS-ALPN-01 challenges through the entry points, keeps
 * everything in Traefik's acme.json format (or in the cluster store, shared by every instance,
 * where a lock per certificate lets only one of them order it) and renews certificates before
 * they expire.
 */
export class AcmeManager {
  private readonly stores: AcmeStores;
  /** Each resolver's account and certificates as last read from its store. */
  private readonly records = new Map<string, ResolverRecord>();
  private readonly httpTokens = new Map<string, string>();
  private readonly alpnCertificates = new Map<string, PemPair>();
  private readonly failed = new Map<string, number>();
  private readonly pending = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private wanted: WantedCertificate[] = [];
  private readonly timer: NodeJS.Timeout;
  /**
   * Resolvers whose store was read once: their orders wait for it, so they start from what is
   * stored, while resolvers on a store that answers are not held up by one that does not.
   */
  private readonly loaded = new Set<string>();
  private readonly subscribed = new Set<AcmeStore>();
  /** Challenge values from the store that could not be read, each logged once. */
  private readonly malformed = new Set<string>();
  private closed = false;

  constructor(
    private readonly config: StaticConfig,
    baseDir: string,
    /** Called when certificates changed (obtained or renewed, here or by another instance). */
    private readonly onChange: () => void,
  ) {
    this.stores = new AcmeStores(config, baseDir);
    for (const [name, resolver] of Object.entries(this.resolvers())) {
      this.load(name, resolver).catch((error: Error) =>
        logger.error(
          { resolver: name, err: error.message },
          `certificatesResolvers.${name}: cannot use its ACME store`,
        ),
      );
    }
    this.timer = setInterval(() => this.check(), RENEWAL_CHECK_MS).unref();
  }

  get enabled(): boolean {
    return Object.keys(this.resolvers()).length > 0;
  }

  /** The stored certificates, for the TLS manager (inline PEM). */
  certificates(): TlsCertificateConfig[] {
    return [...this.records.values()].flatMap((record) =>
      record.Certificates.map((stored) => ({
        certFile: fromBase64(stored.certificate),
        keyFile: fromBase64(stored.key),
      })),
    );
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
  update(routers: Record<string, RouterConfig>, tcpRouters?: Record<string, TcpRouterConfig>): void {
    if (!this.enabled) return;
    this.wanted = wantedCertificates(routers, this.config, tcpRouters);
    this.check();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.stores.close().catch((error: Error) => logger.warn({ err: error.message }, 'could not close the ACME stores'));
  }

  /** Resolves once every order queued so far is done (for tests and shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Reads one resolver's store (retrying while it is unreachable) and follows its changes. */
  private async load(name: string, config: AcmeResolverConfig): Promise<void> {
    const where = this.stores.for(config);
    // Once per store, before the first read, so that nothing written after that read is missed.
    if (!this.subscribed.has(where.store)) {
      this.subscribed.add(where.store);
      this.follow(where.store);
    }
    let lastError: string | undefined;
    for (;;) {
      try {
        await this.importFile(name, where);
        await this.reload(name);
        // Orders in progress elsewhere: this instance may be the one the CA reaches.
        await this.readChallenges(where.store);
        break;
      } catch (error) {
        if (this.closed) return;
        const message = (error as Error).message;
        // Logged when it starts or changes, not at every retry of a long outage.
        logger[message === lastError ? 'debug' : 'error'](
          { resolver: name, err: message },
          `certificatesResolvers.${name}: cannot read the ACME store ${where.store.where}; retrying every ${LOAD_RETRY_MS / 1000} s`,
        );
        lastError = message;
        await new Promise((resolve) => setTimeout(resolve, LOAD_RETRY_MS));
      }
    }
    if (this.closed) return;
    if (this.records.get(name)?.Certificates.length) this.onChange();
    this.loaded.add(name);
    this.check();
  }

  private follow(store: AcmeStore): void {
    store.subscribe({
      resolverChanged: (resolver) => {
        const config = this.resolvers()[resolver];
        if (config && this.stores.for(config).store === store) this.reloadChanged(resolver);
      },
      challenge: (event) => this.applyChallenge(event),
      resumed: () => this.catchUp(store),
    });
  }

  /** After an outage of the store's link: read what other instances wrote meanwhile. */
  private catchUp(store: AcmeStore): void {
    for (const [resolver, config] of Object.entries(this.resolvers())) {
      if (this.loaded.has(resolver) && this.stores.for(config).store === store) this.reloadChanged(resolver);
    }
    this.readChallenges(store).catch((error: Error) =>
      logger.warn({ store: store.where, err: error.message }, 'could not read the challenges in progress'),
    );
  }

  private reloadChanged(resolver: string): void {
    this.reload(resolver).then(
      () => this.onChange(),
      (error: Error) =>
        logger.warn({ resolver, err: error.message }, 'could not read certificates another instance stored'),
    );
  }

  private async readChallenges(store: AcmeStore): Promise<void> {
    for (const challenge of await store.challenges()) this.applyChallenge(challenge);
  }

  /** A Traefik acme.json next to the configuration seeds an empty cluster store, once. */
  private async importFile(resolver: string, { store, importFrom }: ResolverStore): Promise<void> {
    if (!importFrom || !existsSync(importFrom)) return;
    const fromFile = readAcmeFile(importFrom)[resolver];
    if (!fromFile?.Account && !fromFile?.Certificates.length) return;
    await store.exclusively(`${resolver}|import`, async () => {
      const current = await store.read(resolver);
      if (current.Account || current.Certificates.length) return;
      if (fromFile.Account) await store.writeAccount(resolver, fromFile.Account);
      for (const certificate of fromFile.Certificates) await store.writeCertificate(resolver, certificate);
      logger.info({ resolver, from: importFrom, to: store.where }, 'imported acme.json into the cluster store');
    });
  }

  private async reload(resolver: string): Promise<ResolverRecord> {
    const record = await this.storeOf(resolver).read(resolver);
    this.records.set(resolver, record);
    return record;
  }

  private applyChallenge({ kind, id, value }: ChallengeEvent): void {
    if (kind === 'http') {
      if (value === undefined) this.httpTokens.delete(id);
      else this.httpTokens.set(id, value);
    } else if (value === undefined) this.alpnCertificates.delete(id);
    else {
      // Another instance (or anyone with access to the store) wrote it: a bad value must not crash us.
      const pair = readPemPair(value);
      if (pair) this.alpnCertificates.set(id, pair);
      else if (!this.malformed.has(id)) {
        this.malformed.add(id);
        logger.warn(
          { id },
          `ACME store: the TLS-ALPN-01 challenge for "${id}" is not a JSON key and certificate; ignored`,
        );
      }
    }
  }

  private async publishChallenge(resolver: string, event: ChallengeEvent): Promise<void> {
    this.applyChallenge(event);
    const store = this.storeOf(resolver);
    if (!store.shared) return;
    await store.publishChallenge(event);
    if (event.value !== undefined) await new Promise((resolve) => setTimeout(resolve, CHALLENGE_PROPAGATION_MS));
  }

  private check(): void {
    for (const want of this.wanted) {
      if (!this.loaded.has(want.resolver) && this.resolvers()[want.resolver]) continue;
      const config = this.resolvers()[want.resolver];
      if (!config) {
        logger.error(
          `certificatesResolvers.${want.resolver}: no such resolver (a router's tls.certResolver names it); define it in the static configuration`,
        );
        continue;
      }
      const stored = this.find(this.records.get(want.resolver), want);
      if (stored && !renewalDue(stored, config.certificatesDuration)) continue;
      const key = `${want.resolver}|${want.names.join(',')}`;
      if (this.pending.has(key)) continue;
      // A failed order is retried at the next check, not in a tight loop on every reload.
      if ((this.failed.get(key) ?? 0) > Date.now() - 60_000) continue;
      this.pending.add(key);
      this.queue = this.queue.then(() => this.order(want, config, key)).finally(() => this.pending.delete(key));
    }
  }

  /**
   * Orders one certificate under its lock. The store is read again once the lock is held: when
   * another instance held it, the certificate it stored is simply picked up.
   */
  private async order(want: WantedCertificate, config: AcmeResolverConfig, key: string): Promise<void> {
    if (this.closed) return;
    const store = this.storeOf(want.resolver);
    const started = Date.now();
    try {
      await store.exclusively(key, async (lockLost) => {
        const previous = this.find(await this.reload(want.resolver), want);
        if (previous && !renewalDue(previous, config.certificatesDuration)) {
          logger.info({ resolver: want.resolver, domains: want.names }, 'certificate stored by another instance');
          this.onChange();
          return;
        }
        logger.info({ resolver: want.resolver, domains: want.names, store: store.where }, 'ordering a certificate');
        const client = await this.client(want.resolver, config);
        const certificate = await orderCertificate(client, want, config, (event) =>
          this.publishChallenge(want.resolver, event),
        );
        // Only the lock holder may store it: another instance may have taken the lock meanwhile.
        lockLost.throwIfAborted();
        const stored = this.find(await this.reload(want.resolver), want);
        if (stored && !renewalDue(stored, config.certificatesDuration)) {
          logger.info({ resolver: want.resolver, domains: want.names }, 'certificate stored by another instance');
          this.onChange();
          return;
        }
        await store.writeCertificate(want.resolver, certificate);
        await this.reload(want.resolver);
        logger.info(
          { resolver: want.resolver, domains: want.names, ms: Date.now() - started },
          previous ? 'certificate renewed' : 'certificate obtained',
        );
        this.onChange();
      });
      this.failed.delete(key);
    } catch (error) {
      this.failed.set(key, Date.now());
      logger.error(
        { resolver: want.resolver, domains: want.names, err: (error as Error).message },
        `certificatesResolvers.${want.resolver}: could not obtain a certificate for ${want.names.join(', ')}: ${(error as Error).message}`,
      );
    }
  }

  /** The resolver's ACME account, registered once (under a lock, so instances share one). */
  private async client(resolver: string, config: AcmeResolverConfig): Promise<acme.Client> {
    const directoryUrl = config.caServer ?? LETS_ENCRYPT;
    let account = this.records.get(resolver)?.Account;
    if (!account?.Registration?.uri) {
      const store = this.storeOf(resolver);
      account = await store.exclusively(`${resolver}|account`, async () => {
        const stored = (await this.reload(resolver)).Account;
        if (stored?.Registration?.uri) return stored;
        const registered = await registerAccount(directoryUrl, config, stored);
        await store.writeAccount(resolver, registered);
        await this.reload(resolver);
        return registered;
      });
    }
    return accountClient(directoryUrl, account);
  }

  private find(record: ResolverRecord | undefined, want: WantedCertificate): StoredCertificate | undefined {
    const key = want.names.join(',');
    return record?.Certificates.find((c) => domainKey(c) === key);
  }

  private resolvers(): Record<string, AcmeResolverConfig> {
    const result: Record<string, AcmeResolverConfig> = {};
    for (const [name, resolver] of Object.entries(this.config.certificatesResolvers ?? {})) {
      if (resolver.acme) result[name] = resolver.acme;
    }
    return result;
  }

  private storeOf(resolver: string): AcmeStore {
    return this.stores.for(this.resolvers()[resolver] ?? {}).store;
  }
}

function readPemPair(value: string): PemPair | undefined {
  try {
    const pair = JSON.parse(value) as Partial<PemPair> | null;
    return typeof pair?.cert === 'string' && typeof pair.key === 'string'
      ? { cert: pair.cert, key: pair.key }
      : undefined;
  } catch {
    return undefined;
  }
}
