import type { MiddlewareConfig } from '../types.js';

/** v3 `headers` middleware options; v1 wrote the same ones with other casing (`STSSeconds`). */
const V3_HEADER_OPTIONS = [
  'customRequestHeaders',
  'customResponseHeaders',
  'allowedHosts',
  'hostsProxyHeaders',
  'sslProxyHeaders',
  'stsSeconds',
  'stsIncludeSubdomains',
  'stsPreload',
  'forceSTSHeader',
  'frameDeny',
  'customFrameOptionsValue',
  'contentTypeNosniff',
  'browserXssFilter',
  'customBrowserXSSValue',
  'contentSecurityPolicy',
  'publicKey',
  'referrerPolicy',
  'isDevelopment',
];

export interface V1HeadersTranslation {
  middlewares: MiddlewareConfig[];
  /** v1 options with no v3 equivalent (`SSLHost`, `SSLForceHost`…). */
  untranslated: string[];
}

/**
 * Translates a v1 frontend's `[headers]` into v3 middlewares: `SSLRedirect` and
 * `SSLTemporaryRedirect` (removed from v3's headers middleware) become a redirectScheme, the
 * rest a headers middleware.
 */
export function translateV1Headers(headers: Record<string, unknown>): V1HeadersTranslation {
  const options: Record<string, unknown> = {};
  const untranslated: string[] = [];
  let redirect: MiddlewareConfig | undefined;
  for (const [key, value] of Object.entries(headers)) {
    const lower = key.toLowerCase();
    const v3Name = V3_HEADER_OPTIONS.find((name) => name.toLowerCase() === lower);
    if (v3Name) options[v3Name] = value;
    else if ((lower === 'sslredirect' || lower === 'ssltemporaryredirect') && value === true) {
      redirect = { redirectScheme: { scheme: 'https', permanent: lower === 'sslredirect' } };
    } else untranslated.push(key);
  }
  const middlewares = [
    ...(redirect ? [redirect] : []),
    ...(Object.keys(options).length > 0 ? [{ headers: options }] : []),
  ];
  return { middlewares, untranslated };
}
