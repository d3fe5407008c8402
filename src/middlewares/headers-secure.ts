import type { OutgoingHttpHeaders } from 'node:http';
import type { RequestContext } from '../runtime/context.js';
import { requestHeader } from './request-tools.js';

export interface SecureOptions {
  allowedHosts: string[];
  hostsProxyHeaders: string[];
  sslProxyHeaders: Record<string, string>;
  stsSeconds?: number | undefined;
  stsIncludeSubdomains: boolean;
  stsPreload: boolean;
  forceSTSHeader: boolean;
  frameDeny: boolean;
  customFrameOptionsValue: string;
  contentTypeNosniff: boolean;
  browserXssFilter: boolean;
  customBrowserXSSValue: string;
  contentSecurityPolicy: string;
  contentSecurityPolicyReportOnly: string;
  publicKey: string;
  referrerPolicy: string;
  permissionsPolicy: string;
  isDevelopment: boolean;
}

export function hasSecure(options: SecureOptions): boolean {
  return (
    options.allowedHosts.length > 0 ||
    options.hostsProxyHeaders.length > 0 ||
    Object.keys(options.sslProxyHeaders).length > 0 ||
    options.stsSeconds !== undefined ||
    options.frameDeny ||
    options.customFrameOptionsValue !== '' ||
    options.contentTypeNosniff ||
    options.browserXssFilter ||
    options.customBrowserXSSValue !== '' ||
    options.contentSecurityPolicy !== '' ||
    options.contentSecurityPolicyReportOnly !== '' ||
    options.publicKey !== '' ||
    options.referrerPolicy !== '' ||
    options.permissionsPolicy !== ''
  );
}

/**
 * The security headers of Traefik's headers middleware (the unrolled/secure semantics): a fixed
 * set computed once, plus Strict-Transport-Security on TLS requests and an allowed-hosts check.
 * `isDevelopment` turns off the host check, STS and key pinning, as there.
 */
export class SecureHeaders {
  private readonly fixed: [string, string][] = [];
  private readonly sts: string | undefined;
  private readonly forceSts: boolean;
  private readonly allowedHosts: ReadonlySet<string> | undefined;
  private readonly hostsProxyHeaders: readonly string[];
  private readonly sslProxyHeaders: readonly [string, string][];

  constructor(options: SecureOptions) {
    const dev = options.isDevelopment;
    const frame = options.customFrameOptionsValue || (options.frameDeny ? 'DENY' : '');
    const xss = options.customBrowserXSSValue || (options.browserXssFilter ? '1; mode=block' : '');
    const candidates: [string, string][] = [
      ['x-frame-options', frame],
      ['x-content-type-options', options.contentTypeNosniff ? 'nosniff' : ''],
      ['x-xss-protection', xss],
      ['content-security-policy', options.contentSecurityPolicy],
      ['content-security-policy-report-only', options.contentSecurityPolicyReportOnly],
      ['public-key-pins', dev ? '' : options.publicKey],
      ['referrer-policy', options.referrerPolicy],
      ['permissions-policy', options.permissionsPolicy],
    ];
    this.fixed = candidates.filter(([, value]) => value !== '');
    const seconds = options.stsSeconds ?? 0;
    this.sts =
      dev || seconds === 0
        ? undefined
        : `max-age=${seconds}${options.stsIncludeSubdomains ? '; includeSubDomains' : ''}${options.stsPreload ? '; preload' : ''}`;
    this.forceSts = options.forceSTSHeader;
    this.allowedHosts = options.allowedHosts.length > 0 && !dev ? new Set(options.allowedHosts) : undefined;
    this.hostsProxyHeaders = options.hostsProxyHeaders;
    this.sslProxyHeaders = Object.entries(options.sslProxyHeaders);
  }

  /** Whether the request's host may be served (always, without `allowedHosts`). */
  hostAllowed(ctx: RequestContext): boolean {
    if (!this.allowedHosts) return true;
    let host = requestHeader(ctx, 'host') || ctx.host;
    for (const name of this.hostsProxyHeaders) {
      const proxied = requestHeader(ctx, name);
      if (proxied) {
        host = proxied;
        break;
      }
    }
    return this.allowedHosts.has(host);
  }

  /** Sets the security headers on a response head (replacing the upstream's). */
  apply(ctx: RequestContext, headers: OutgoingHttpHeaders): void {
    for (const [name, value] of this.fixed) headers[name] = value;
    if (this.sts !== undefined && (this.forceSts || this.isTls(ctx))) headers['strict-transport-security'] = this.sts;
  }

  private isTls(ctx: RequestContext): boolean {
    if (ctx.scheme === 'https') return true;
    return this.sslProxyHeaders.some(([name, value]) => requestHeader(ctx, name) === value);
  }
}
