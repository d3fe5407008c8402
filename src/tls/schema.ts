import { z } from 'zod';
import type { ProviderIssue } from '../providers/types.js';
import { parseLocated, type Locate } from '../config/schema/parse-located.js';
import type { TlsConfig } from '../config/dynamic/types.js';

/**
 * The dynamic `tls` section, checked one certificate / option set / store at a time so that a
 * broken one is left out alone. File contents (PEM, key match, cipher names) are checked later,
 * when the certificates are loaded.
 */
const certificateSchema = z.strictObject({
  certFile: z.string().min(1),
  keyFile: z.string().min(1),
  stores: z.array(z.string()).optional(),
});

const optionsSchema = z.strictObject({
  minVersion: z.string().optional(),
  maxVersion: z.string().optional(),
  cipherSuites: z.array(z.string()).optional(),
  curvePreferences: z.array(z.string()).optional(),
  alpnProtocols: z.array(z.string()).optional(),
  sniStrict: z.boolean().optional(),
  preferServerCipherSuites: z.boolean().optional(),
  disableSessionTickets: z.boolean().optional(),
  clientAuth: z
    .strictObject({
      caFiles: z.array(z.string()).optional(),
      clientAuthType: z
        .enum([
          'NoClientCert',
          'RequestClientCert',
          'RequireAnyClientCert',
          'VerifyClientCertIfGiven',
          'RequireAndVerifyClientCert',
        ])
        .optional(),
    })
    .optional(),
});

const storeSchema = z.strictObject({
  defaultCertificate: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
  defaultGeneratedCert: z.unknown().optional(),
});

export function validateTlsSection(raw: unknown, locate: Locate, issues: ProviderIssue[]): TlsConfig | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (!isRecord(raw)) {
    issues.push({ message: 'must be a table/mapping of certificates, options and stores', key: 'tls' });
    return undefined;
  }
  const tls: TlsConfig = {};
  for (const key of Object.keys(raw)) {
    if (!['certificates', 'options', 'stores'].includes(key)) {
      issues.push({
        message: `unknown key "${key}": tls has certificates, options and stores`,
        key: `tls.${key}`,
        location: locate(['tls', key]),
      });
    }
  }
  if (raw.certificates !== undefined) {
    const list = Array.isArray(raw.certificates) ? raw.certificates : [];
    if (!Array.isArray(raw.certificates)) {
      issues.push({ message: 'must be a list of { certFile, keyFile }', key: 'tls.certificates' });
    }
    tls.certificates = [];
    list.forEach((value, index) => {
      const parsed = parseLocated(certificateSchema, value, ['tls', 'certificates', String(index)], locate);
      if (parsed.ok) tls.certificates!.push(parsed.data);
      else issues.push(...parsed.errors.map(toIssue));
    });
  }
  tls.options = namedObjects(raw.options, 'options', optionsSchema, locate, issues);
  tls.stores = namedObjects(raw.stores, 'stores', storeSchema, locate, issues);
  return tls;
}

function namedObjects<T>(
  raw: unknown,
  section: string,
  schema: z.ZodType<T>,
  locate: Locate,
  issues: ProviderIssue[],
): Record<string, T> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    issues.push({ message: `must be a table/mapping of named ${section}`, key: `tls.${section}` });
    return undefined;
  }
  const result: Record<string, T> = {};
  for (const [name, value] of Object.entries(raw)) {
    const parsed = parseLocated(schema, value ?? {}, ['tls', section, name], locate);
    if (parsed.ok) result[name] = parsed.data;
    else issues.push(...parsed.errors.map(toIssue));
  }
  return result;
}

function toIssue(error: { message: string; key?: string; location?: string }): ProviderIssue {
  return { message: error.message, key: error.key, location: error.location };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
