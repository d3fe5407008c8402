import { X509Certificate } from 'node:crypto';
import type { SecureContextOptions, TLSSocket } from 'node:tls';
import type { TlsClientAuthType, TlsOptionsConfig } from '../config/dynamic/types.js';
import { opensslCipher, tlsVersion } from './go-names.js';
import { readPem } from './pem-source.js';

/** One `tls.options` entry, translated for node:tls. */
export interface CompiledTlsOptions {
  readonly name: string;
  readonly context: SecureContextOptions;
  readonly clientAuthType: TlsClientAuthType;
  readonly clientCAs: X509Certificate[];
  readonly alpnProtocols?: string[];
  readonly sniStrict: boolean;
}

/** Traefik's implicit `default` options: TLS 1.2 and later, no client certificates. */
export function defaultOptions(): CompiledTlsOptions {
  return {
    name: 'default',
    context: { minVersion: 'TLSv1.2' },
    clientAuthType: 'NoClientCert',
    clientCAs: [],
    sniStrict: false,
  };
}

/** Throws an error naming the key and the fix; the caller then serves the default options instead. */
export function compileOptions(name: string, config: TlsOptionsConfig, baseDir: string): CompiledTlsOptions {
  const key = `tls.options.${name}`;
  const context: SecureContextOptions = { minVersion: 'TLSv1.2' };
  if (config.minVersion) context.minVersion = tlsVersion(config.minVersion, `${key}.minVersion`);
  if (config.maxVersion) context.maxVersion = tlsVersion(config.maxVersion, `${key}.maxVersion`);
  if (config.cipherSuites?.length) {
    context.ciphers = config.cipherSuites
      .map((suite, i) => opensslCipher(suite, `${key}.cipherSuites[${i}]`))
      .join(':');
  }
  const clientAuthType =
    config.clientAuth?.clientAuthType ??
    (config.clientAuth?.caFiles?.length ? 'RequireAndVerifyClientCert' : 'NoClientCert');
  const clientCAs = (config.clientAuth?.caFiles ?? []).map((file, i) => {
    try {
      return new X509Certificate(readPem(file, baseDir));
    } catch (error) {
      throw new Error(
        `${key}.clientAuth.caFiles[${i}]: cannot use "${file}" as a CA (${(error as Error).message}); give a PEM certificate`,
      );
    }
  });
  if (clientCAs.length) context.ca = clientCAs.map((ca) => ca.toString());
  if (['VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'].includes(clientAuthType) && !clientCAs.length) {
    throw new Error(
      `${key}.clientAuth: ${clientAuthType} needs caFiles to verify client certificates against; add caFiles`,
    );
  }
  return {
    name,
    context,
    clientAuthType,
    clientCAs,
    ...(config.alpnProtocols?.length ? { alpnProtocols: config.alpnProtocols } : {}),
    sniStrict: config.sniStrict ?? false,
  };
}

/**
 * Applies `clientAuthType` once the handshake is done. Node verifies against the server-wide CA
 * only, so the chain is checked here against this option's own CAs.
 */
export function clientCertificateAccepted(socket: TLSSocket, options: CompiledTlsOptions): boolean {
  const type = options.clientAuthType;
  if (type === 'NoClientCert' || type === 'RequestClientCert') return true;
  const peer = socket.getPeerX509Certificate();
  if (!peer) return type === 'VerifyClientCertIfGiven';
  if (type === 'RequireAnyClientCert') return true;
  const now = Date.now();
  if (now < Date.parse(peer.validFrom) || now > Date.parse(peer.validTo)) return false;
  return options.clientCAs.some((ca) => peer.checkIssued(ca) && peer.verify(ca.publicKey));
}

export function requestsClientCertificate(options: CompiledTlsOptions): boolean {
  return options.clientAuthType !== 'NoClientCert';
}
