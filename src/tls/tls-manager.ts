import { statSync } from 'node:fs';
import type { RouterConfig, TcpRouterConfig, TlsCertificateConfig, TlsConfig } from '../config/dynamic/types.js';
import { logger } from '../observability/logger.js';
import type { CertificateView } from '../runtime/view.js';
import { providerOf, qualify } from '../providers/aggregator.js';
import { ruleDomains } from '../rules/index.js';
import { tcpRuleNames } from '../tcp/tcp-rule.js';
import { loadCertificate, type LoadedCertificate } from './certificate.js';
import { NameIndex } from './name-index.js';
import { compileOptions, defaultOptions, type CompiledTlsOptions } from './options.js';
import { pemPath } from './pem-source.js';
import { defaultSelfSigned, prepareDefaultSelfSigned, type PemPair } from './self-signed.js';

/**
 * What one TLS connection is served with, chosen from the SNI name before the handshake.
 * `certificate` is undefined when the connection must be refused (sniStrict, no match).
 */
export interface TlsChoice {
  options: CompiledTlsOptions;
  certificate: PemPair | undefined;
}

interface TlsState {
  index: NameIndex<LoadedCertificate>;
  certificates: LoadedCertificate[];
  /** Generated on first use when none is configured (most setups never need it). */
  defaultCertificate?: LoadedCertificate;
  options: Map<string, CompiledTlsOptions>;
  defaultOptions: CompiledTlsOptions;
  /** Host → qualified options name, from the routers that name `tls.options`. */
  optionsByHost: NameIndex<string>;
  errors: string[];
}

const WATCH_INTERVAL_MS = 2000;

/**
 * Certificates and TLS options of the running configuration. Each update compiles a new state
 * beside the current one; a bad certificate or option set is left out with its error and the rest
 * (and the default certificate) keeps serving. Certificate files are polled, so replacing them on
 * disk takes effect without a configuration change.
 */
export class TlsManager {
  private state: TlsState;
  private input: {
    tls?: TlsConfig;
    routers: Record<string, RouterConfig>;
    tcpRouters?: Record<string, TcpRouterConfig>;
  } = { routers: {} };
  private obtained: TlsCertificateConfig[] = [];
  private fileStamps = new Map<string, number>();
  private readonly watcher: NodeJS.Timeout;
  private loggedErrors = new Set<string>();

  constructor(private readonly baseDir: string) {
    this.state = this.compile();
    void prepareDefaultSelfSigned();
    this.watcher = setInterval(() => this.reloadChangedFiles(), WATCH_INTERVAL_MS).unref();
  }

  /** TCP routers that terminate TLS name options for their `HostSNI` names, as HTTP routers do for `Host`. */
  update(
    tls: TlsConfig | undefined,
    routers: Record<string, RouterConfig>,
    tcpRouters?: Record<string, TcpRouterConfig>,
  ): void {
    this.input = { tls, routers, tcpRouters };
    this.state = this.compile();
  }

  /** Certificates obtained by ACME resolvers (inline PEM), served beside the configured ones. */
  setObtainedCertificates(certificates: TlsCertificateConfig[]): void {
    this.obtained = certificates;
    this.state = this.compile();
  }

  close(): void {
    clearInterval(this.watcher);
  }

  get errors(): readonly string[] {
    return this.state.errors;
  }

  /**
   * `routeOptions`: the qualified `tls.options` of the TCP router taking the connection, which
   * wins over the name's; options that do not exist (or failed to compile) refuse the
   * connection rather than let it in on weaker ones (the error is in `errors`).
   */
  choose(serverName: string | undefined, routeOptions?: string): TlsChoice {
    const state = this.state;
    let options = state.defaultOptions;
    const optionsName = routeOptions ?? (serverName && state.optionsByHost.find(serverName));
    if (optionsName) {
      const named = state.options.get(optionsName) ?? (isDefaultName(optionsName) ? options : undefined);
      // Options that are missing or failed to compile refuse the handshake: falling back to the
      // defaults would silently drop what they demand, such as a client certificate.
      if (!named) return { options, certificate: undefined };
      options = named;
    }
    const found = serverName ? state.index.find(serverName) : undefined;
    if (!found && options.sniStrict) return { options, certificate: undefined };
    return { options, certificate: (found ?? defaultOf(state))?.pem };
  }

  list(): CertificateView[] {
    const { certificates } = this.state;
    const defaultCertificate = defaultOf(this.state);
    const all =
      !defaultCertificate || certificates.includes(defaultCertificate)
        ? certificates
        : [...certificates, defaultCertificate];
    return all.map((c) => ({
      source: c.source,
      domains: c.names,
      notAfter: c.notAfter.toISOString(),
      isDefault: c === defaultCertificate,
    }));
  }

  private compile(): TlsState {
    const { tls, routers, tcpRouters } = this.input;
    const errors: string[] = [];
    const stamps = new Map<string, number>();
    const watch = (...values: string[]) => {
      for (const value of values) {
        const path = pemPath(value, this.baseDir);
        if (path) stamps.set(path, mtime(path));
      }
    };
    const certificates: LoadedCertificate[] = [];
    (tls?.certificates ?? []).forEach((config, i) => {
      watch(config.certFile, config.keyFile);
      try {
        certificates.push(loadCertificate(config, `tls.certificates[${i}]`, this.baseDir));
      } catch (error) {
        errors.push(`${(error as Error).message}; this certificate is disabled`);
      }
    });
    // After the configured ones: a certificate from a file wins a name both have.
    this.obtained.forEach((config, i) => {
      try {
        certificates.push(loadCertificate(config, `ACME certificate ${i}`, this.baseDir));
      } catch (error) {
        errors.push(`${(error as Error).message}; this certificate is disabled`);
      }
    });
    let defaultCertificate: LoadedCertificate | undefined;
    const configuredDefault = tls?.stores?.default?.defaultCertificate;
    if (configuredDefault) {
      watch(configuredDefault.certFile, configuredDefault.keyFile);
      try {
        defaultCertificate = loadCertificate(configuredDefault, 'tls.stores.default.defaultCertificate', this.baseDir);
      } catch (error) {
        errors.push(`${(error as Error).message}; the generated default certificate is served instead`);
      }
    }

    const options = new Map<string, CompiledTlsOptions>();
    let fallback = defaultOptions();
    for (const [name, config] of Object.entries(tls?.options ?? {})) {
      for (const file of config.clientAuth?.caFiles ?? []) watch(file);
      try {
        const compiled = compileOptions(name, config, this.baseDir);
        options.set(name, compiled);
        if (isDefaultName(name)) fallback = compiled;
      } catch (error) {
        errors.push(
          `${(error as Error).message}; HTTPS connections for it use the default options, TCP routers naming it refuse theirs`,
        );
      }
    }
    errors.push(...unusableTcpOptions(tcpRouters ?? {}, options, tls?.options ?? {}));
    this.fileStamps = stamps;
    this.logNew(errors);
    return {
      index: certificateIndex(certificates),
      certificates,
      defaultCertificate,
      options,
      defaultOptions: fallback,
      optionsByHost: optionsByHost(routers, tcpRouters ?? {}),
      errors,
    };
  }

  private reloadChangedFiles(): void {
    for (const [path, stamp] of this.fileStamps) {
      if (mtime(path) !== stamp) {
        logger.info({ file: path }, 'certificate file changed; reloading TLS');
        this.state = this.compile();
        return;
      }
    }
  }

  private logNew(errors: string[]): void {
    for (const error of errors) if (!this.loggedErrors.has(error)) logger.error(error);
    this.loggedErrors = new Set(errors);
  }
}

/**
 * Routers naming `tls.options` decide the options for their `Host` names (Traefik's rule), and
 * TCP routers that terminate TLS for their `HostSNI` names; an HTTP router's choice comes first.
 */
function optionsByHost(
  routers: Record<string, RouterConfig>,
  tcpRouters: Record<string, TcpRouterConfig>,
): NameIndex<string> {
  const result = new NameIndex<string>();
  const add = (name: string, options: string, hosts: string[]) => {
    const qualified = qualify(options, providerOf(name));
    for (const host of hosts) result.add(host, qualified);
  };
  for (const [name, router] of Object.entries(routers)) {
    if (router.tls?.options) add(name, router.tls.options, ruleDomains(router.rule));
  }
  for (const [name, router] of Object.entries(tcpRouters)) {
    if (!router.tls?.options || router.tls.passthrough) continue;
    add(
      name,
      router.tls.options,
      tcpRuleNames(router.rule).filter((host) => host !== '*'),
    );
  }
  return result;
}

/** TCP routers whose `tls.options` cannot be served: their connections are refused, so say why. */
function unusableTcpOptions(
  tcpRouters: Record<string, TcpRouterConfig>,
  compiled: Map<string, CompiledTlsOptions>,
  configured: Record<string, unknown>,
): string[] {
  const errors: string[] = [];
  for (const [name, router] of Object.entries(tcpRouters)) {
    if (!router.tls?.options || router.tls.passthrough) continue;
    const qualified = qualify(router.tls.options, providerOf(name));
    if (compiled.has(qualified) || isDefaultName(qualified)) continue;
    const problem = qualified in configured ? 'is broken (see its error)' : 'does not exist';
    errors.push(
      `tcp.routers.${name}.tls.options: "${qualified}" ${problem}; fix it or define it under tls.options. ` +
        'Until then this router refuses TLS connections rather than accept them without those checks',
    );
  }
  return errors;
}

/** `default`, from whichever provider: Traefik's implicit option set, which always exists. */
function isDefaultName(qualified: string): boolean {
  const at = qualified.lastIndexOf('@');
  return (at < 0 ? qualified : qualified.slice(0, at)) === 'default';
}

/** Each certificate under every name it covers; a name two certificates share goes to the first. */
function certificateIndex(certificates: LoadedCertificate[]): NameIndex<LoadedCertificate> {
  const index = new NameIndex<LoadedCertificate>();
  for (const certificate of certificates) for (const name of certificate.names) index.add(name, certificate);
  return index;
}

/** The configured default certificate, else the generated one; none when openssl is missing. */
function defaultOf(state: TlsState): LoadedCertificate | undefined {
  if (!state.defaultCertificate) {
    const pem = defaultSelfSigned();
    if (!pem) return undefined;
    state.defaultCertificate = loadCertificate(
      { certFile: pem.cert, keyFile: pem.key },
      'generated default certificate',
      '.',
    );
  }
  return state.defaultCertificate;
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}
