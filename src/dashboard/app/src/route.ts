import { useEffect, useState } from 'preact/hooks';
import type { Kind, Protocol } from './api.js';
import { PROTOCOLS, traitsOf } from './protocols.js';

/**
 * Hash routes (`#/routers/web@docker`), so the proxy serves one `index.html` and deep links work
 * without server-side fallbacks: `#/`, `#/<kind>`, `#/<kind>/<name>`, `#/search?q=…`. TCP and UDP
 * objects live under `#/tcp/<kind>[/<name>]` and `#/udp/…`, so their names never clash with HTTP ones.
 */
export interface Route {
  page: string;
  protocol: Protocol;
  name?: string;
  params: URLSearchParams;
}

/** The protocols whose pages carry their name as a prefix; HTTP pages are unprefixed. */
const MARKED_PROTOCOLS = PROTOCOLS.filter((protocol) => traitsOf(protocol).marked);

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const segments = path.replace(/^\//, '').split('/');
  const prefix = segments.length > 1 ? MARKED_PROTOCOLS.find((p) => p === segments[0]) : undefined;
  const protocol = prefix ?? 'http';
  const [page = '', ...name] = prefix ? segments.slice(1) : segments;
  return {
    page: page || 'overview',
    protocol,
    name: name.length ? decodeURIComponent(name.join('/')) : undefined,
    params: new URLSearchParams(query),
  };
}

export function href(page: string, name?: string, params?: Record<string, string>): string {
  const query = params ? `?${new URLSearchParams(params).toString()}` : '';
  return `#/${page}${name ? `/${encodeURIComponent(name)}` : ''}${query}`;
}

/** The page listing one protocol's objects of a kind: `routers`, `tcp/routers` or `udp/routers`; pass it to `href`. */
export function kindPage(protocol: Protocol, kind: Kind): string {
  return traitsOf(protocol).marked ? `${protocol}/${kind}` : kind;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => {
      setRoute(parseRoute(window.location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
