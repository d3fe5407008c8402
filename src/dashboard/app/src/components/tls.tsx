import type { RuledRouterView } from '../api.js';

type RouterTls = NonNullable<RuledRouterView['tls']>;

function isPassthrough(tls: RouterTls): boolean {
  return 'passthrough' in tls && tls.passthrough === true;
}

/** One word for lists: a TCP router either hands the TLS bytes on or terminates them itself. */
export function tlsSummary(tls: RuledRouterView['tls']): string {
  if (!tls) return '—';
  return isPassthrough(tls) ? 'passthrough' : 'terminated';
}

/** The router's TLS settings as Traefik names them, for its detail page. */
export function TlsSettings({ tls }: { tls: RouterTls }) {
  const domains = (tls.domains ?? []).map((d) => [d.main, ...(d.sans ?? [])].filter(Boolean).join(', '));
  return (
    <ul class="tls-settings" data-testid="router-tls">
      <li>
        {isPassthrough(tls) ? 'passthrough' : 'terminated'}
        {isPassthrough(tls) && <span class="muted"> (the server gets the encrypted bytes)</span>}
      </li>
      {tls.options && (
        <li>
          options <code>{tls.options}</code>
        </li>
      )}
      {tls.certResolver && (
        <li>
          certResolver <code>{tls.certResolver}</code>
        </li>
      )}
      {domains.length > 0 && (
        <li>
          domains <code>{domains.join('; ')}</code>
        </li>
      )}
    </ul>
  );
}
