/** One certificate as Traefik's acme.json keeps it: PEMs in base64. */
export interface StoredCertificate {
  domain: { main: string; sans?: string[] };
  certificate: string;
  key: string;
  Store: string;
}

export interface StoredAccount {
  Email?: string;
  PrivateKey: string;
  Registration?: { uri?: string };
}

/** One resolver's entry in Traefik's acme.json. */
export interface ResolverRecord {
  Account?: StoredAccount;
  Certificates: StoredCertificate[];
}

/**
 * A challenge answer in progress: the HTTP-01 key authorization for a token, or the TLS-ALPN-01
 * certificate (JSON of a PEM pair) for a server name. Without a value it was withdrawn.
 */
export interface ChallengeEvent {
  kind: 'http' | 'alpn';
  id: string;
  value?: string;
}

export interface AcmeStoreListener {
  /** Another instance stored a certificate or an account of this resolver. */
  resolverChanged(resolver: string): void;
  challenge(event: ChallengeEvent): void;
  /** The link to the store was down and is back: changes made meanwhile were not announced. */
  resumed(): void;
}

/**
 * Where resolvers keep their account and certificates: Traefik's acme.json file for one instance,
 * or the cluster store (Redis, etcd) for several, which also carries the order locks and the
 * challenge answers so that every instance can answer the CA.
 */
export interface AcmeStore {
  /** True when other instances share this store (locks and challenges are then cluster-wide). */
  readonly shared: boolean;
  /** Human-readable location, for log lines. */
  readonly where: string;
  read(resolver: string): Promise<ResolverRecord>;
  writeAccount(resolver: string, account: StoredAccount): Promise<void>;
  /** Stores a certificate, replacing the one for the same domain list. */
  writeCertificate(resolver: string, certificate: StoredCertificate): Promise<void>;
  /**
   * Runs `task` while holding the lock `name`, waiting for other holders to finish first. The
   * signal aborts when the lock is lost while the task runs (another instance may hold it then).
   */
  exclusively<T>(name: string, task: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Publishes (or, without a value, withdraws) a challenge answer for every instance. */
  publishChallenge(event: ChallengeEvent): Promise<void>;
  /** The challenge answers other instances published and have not withdrawn. */
  challenges(): Promise<ChallengeEvent[]>;
  subscribe(listener: AcmeStoreListener): void;
  close(): Promise<void>;
}

/** The list of names a certificate is stored (and locked) under: main name first. */
export const domainKey = (certificate: Pick<StoredCertificate, 'domain'>): string =>
  [certificate.domain.main, ...(certificate.domain.sans ?? [])].join(',');

export const toBase64 = (pem: string | Buffer): string => Buffer.from(pem).toString('base64');
export const fromBase64 = (value: string): string => Buffer.from(value, 'base64').toString('utf8');
