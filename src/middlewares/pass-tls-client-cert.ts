import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { z } from 'zod';
import { defineMiddleware } from './define.js';
import { flag } from './options.js';

const dnFields = {
  country: flag.default(false),
  province: flag.default(false),
  locality: flag.default(false),
  organization: flag.default(false),
  commonName: flag.default(false),
  serialNumber: flag.default(false),
  domainComponent: flag.default(false),
};

const schema = z.strictObject({
  pem: flag.default(false),
  info: z
    .strictObject({
      notAfter: flag.default(false),
      notBefore: flag.default(false),
      sans: flag.default(false),
      serialNumber: flag.default(false),
      subject: z.strictObject({ ...dnFields, organizationalUnit: flag.default(false) }).optional(),
      issuer: z.strictObject(dnFields).optional(),
    })
    .optional(),
});

type Info = NonNullable<z.output<typeof schema>['info']>;
type DnOptions = NonNullable<Info['subject']>;

/** Distinguished-name parts in Traefik's order, with the attribute names Node prints. */
const DN_PARTS: [keyof DnOptions, string, string][] = [
  ['domainComponent', 'DC', 'DC'],
  ['country', 'C', 'C'],
  ['province', 'ST', 'ST'],
  ['locality', 'L', 'L'],
  ['organization', 'O', 'O'],
  ['organizationalUnit', 'OU', 'OU'],
  ['serialNumber', 'serialNumber', 'SN'],
  ['commonName', 'CN', 'CN'],
];

/** `C=FR,O=Acme,CN=x` from Node's one-attribute-per-line rendering, keeping the chosen parts. */
function distinguishedName(rendered: string, options: Partial<DnOptions> | undefined): string {
  if (!options) return '';
  const attributes = rendered.split('\n').map((line) => {
    const at = line.indexOf('=');
    return { name: line.slice(0, at), value: line.slice(at + 1) };
  });
  const parts: string[] = [];
  for (const [option, nodeName, label] of DN_PARTS) {
    if (!options[option]) continue;
    for (const { name, value } of attributes) if (name === nodeName && value !== '') parts.push(`${label}=${value}`);
  }
  return parts.join(',');
}

/** Subject alternative names in Go's order: DNS names, e-mails, IPs, URIs. */
function alternativeNames(cert: X509Certificate): string[] {
  const entries = (cert.subjectAltName ?? '').split(', ').filter(Boolean);
  const of = (prefix: string) => entries.filter((e) => e.startsWith(prefix)).map((e) => e.slice(prefix.length));
  return [...of('DNS:'), ...of('email:'), ...of('IP Address:'), ...of('URI:')];
}

/** `Subject="…";Issuer="…";SerialNumber="…";NB="…";NA="…";SAN="…"`, the parts asked for. */
export function certificateInfo(cert: X509Certificate, info: Info): string {
  const values: string[] = [];
  const subject = distinguishedName(cert.subject, info.subject);
  if (subject) values.push(`Subject="${subject}"`);
  const issuer = distinguishedName(cert.issuer, info.issuer);
  if (issuer) values.push(`Issuer="${issuer}"`);
  if (info.serialNumber) values.push(`SerialNumber="${BigInt(`0x${cert.serialNumber}`).toString()}"`);
  if (info.notBefore) values.push(`NB="${Math.floor(Date.parse(cert.validFrom) / 1000)}"`);
  if (info.notAfter) values.push(`NA="${Math.floor(Date.parse(cert.validTo) / 1000)}"`);
  const sans = info.sans ? alternativeNames(cert) : [];
  if (sans.length > 0) values.push(`SAN="${sans.join(',')}"`);
  return values.join(';');
}

/** Go's url.QueryEscape: everything but unreserved characters escaped, spaces as `+`. */
function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * `passTLSClientCert`: passes the client certificate of a mutual-TLS connection upstream, as
 * base64 DER in X-Forwarded-Tls-Client-Cert (`pem`) and/or as selected fields, URL-escaped, in
 * X-Forwarded-Tls-Client-Cert-Info (`info`). Only the leaf certificate is passed.
 */
export const passTLSClientCert = defineMiddleware(schema, (options) => {
  const { pem, info } = options;
  return (next) => (ctx) => {
    const socket = ctx.req.socket as Partial<TLSSocket>;
    const cert = socket.encrypted ? socket.getPeerX509Certificate?.() : undefined;
    if (cert) {
      if (pem) ctx.req.headers['x-forwarded-tls-client-cert'] = cert.raw.toString('base64');
      if (info) {
        ctx.req.headers['x-forwarded-tls-client-cert-info'] = queryEscape(certificateInfo(cert, info));
      }
    }
    return next(ctx);
  };
});
