import type { ConnectionOptions, PeerCertificate } from 'node:tls';
import { parseDuration } from '../../config/duration.js';
import type { ServersTransportConfig } from '../../config/dynamic/types.js';
import { ConfigError } from '../../config/errors.js';
import type { StaticConfig } from '../../config/static/types.js';
import { loadCertificate } from '../../tls/certificate.js';
import { opensslCipher, tlsVersion } from '../../tls/go-names.js';
import { pemPath, readPem } from '../../tls/pem-source.js';

/** A dynamic `serversTransports.<name>` or the static `serversTransport` (`default@internal`). */
export type TransportSettings = ServersTransportConfig | NonNullable<StaticConfig['serversTransport']>;

/** The settings the static transport lacks are simply unset there. */
type TlsSettings = Omit<ServersTransportConfig, 'forwardingTimeouts'>;

/** Go's `http.DefaultMaxIdleConnsPerHost`, which Traefik inherits for `maxIdleConnsPerHost: 0`. */
const GO_DEFAULT_MAX_IDLE = 2;
const TRAEFIK_DEFAULT_MAX_IDLE = 200;

/** A transport's settings, read and checked: what the pools, HTTP/2 sessions and upgrades are opened with. */
export interface TransportOptions {
  connectTimeout: number;
  /** 0: wait for response headers as long as it takes. */
  headersTimeout: number;
  keepAliveTimeout: number;
  /** Kept-alive idle connections per server; 0: every connection is closed after its request. */
  maxIdle: number;
  /** HTTP/2 to `https://` servers (gRPC); `h2c://` servers always speak it. */
  http2: boolean;
  /** HTTP/2 health pings: 0 disables them. */
  readIdleTimeout: number;
  pingTimeout: number;
  /** Options for TLS connections to `https://` servers. */
  tls: ConnectionOptions;
}

/** Reads a transport's settings; `key` names it in errors, relative file paths start at `baseDir`. */
export function transportOptions(settings: TransportSettings, key: string, baseDir: string): TransportOptions {
  const timeouts: Partial<Record<string, string | number>> = settings.forwardingTimeouts ?? {};
  const duration = (name: string, fallback: string | number): number =>
    parseDuration(timeouts[name] ?? fallback, `${key}.forwardingTimeouts.${name}`);
  const maxIdle = settings.maxIdleConnsPerHost ?? TRAEFIK_DEFAULT_MAX_IDLE;
  const { disableHTTP2 }: TlsSettings = settings;
  return {
    connectTimeout: duration('dialTimeout', '30s'),
    headersTimeout: duration('responseHeaderTimeout', 0),
    keepAliveTimeout: duration('idleConnTimeout', '90s'),
    maxIdle: maxIdle < 0 ? 0 : maxIdle || GO_DEFAULT_MAX_IDLE,
    http2: !disableHTTP2,
    readIdleTimeout: duration('readIdleTimeout', 0),
    pingTimeout: duration('pingTimeout', '15s'),
    tls: tlsOptions(settings, key, baseDir),
  };
}

/** The files a transport's settings read (CAs, client certificates and keys), to notice when they change. */
export function transportFiles(settings: TransportSettings, baseDir: string): string[] {
  const { rootCAs = [], certificates = [] }: TlsSettings = settings;
  const values = [...rootCAs, ...certificates.flatMap((pair) => [pair.certFile, pair.keyFile])];
  return values.map((value) => pemPath(value, baseDir)).filter((path) => path !== undefined);
}

function tlsOptions(settings: TlsSettings, key: string, baseDir: string): ConnectionOptions {
  const options: ConnectionOptions = { rejectUnauthorized: !settings.insecureSkipVerify };
  if (settings.serverName) options.servername = settings.serverName;
  if (settings.rootCAs?.length) {
    options.ca = settings.rootCAs.map((ca, i) => {
      try {
        return readPem(ca, baseDir);
      } catch (error) {
        throw new ConfigError(
          `cannot read "${ca}" (${(error as Error).message}); give a PEM file path or the PEM text`,
          `${key}.rootCAs[${i}]`,
        );
      }
    });
  }
  if (settings.certificates?.length) {
    const pairs = settings.certificates.map((certificate, i) => {
      try {
        return loadCertificate(certificate, `${key}.certificates[${i}]`, baseDir).pem;
      } catch (error) {
        throw new ConfigError((error as Error).message);
      }
    });
    options.cert = pairs.map((pair) => pair.cert);
    options.key = pairs.map((pair) => pair.key);
  }
  try {
    if (settings.minVersion) options.minVersion = tlsVersion(settings.minVersion, `${key}.minVersion`);
    if (settings.maxVersion) options.maxVersion = tlsVersion(settings.maxVersion, `${key}.maxVersion`);
    if (settings.cipherSuites?.length) {
      options.ciphers = settings.cipherSuites
        .map((name, i) => opensslCipher(name, `${key}.cipherSuites[${i}]`))
        .join(':');
    }
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const uri = settings.peerCertURI;
  if (uri) options.checkServerIdentity = (_host, cert) => checkPeerUri(cert, uri, `${key}.peerCertURI`);
  return options;
}

/** Like Traefik, a `peerCertURI` replaces the host name check by a check of the certificate's URI SANs. */
function checkPeerUri(cert: PeerCertificate, uri: string, key: string): Error | undefined {
  const uris = (cert.subjectaltname ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('URI:'))
    .map((entry) => entry.slice(4));
  if (uris.includes(uri)) return undefined;
  return Object.assign(
    new Error(`${key}: the upstream certificate has no URI SAN "${uri}" (it has ${uris.join(', ') || 'none'})`),
    {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    },
  );
}
