import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/routers/web@docker`), so the proxy serves one `index.html` and deep links work
 * without server-side fallbacks: `#/`, `#/<kind>`, `#/<kind>/<name>`, `#/search?q=…`.
 */
export interface Route {
  page: string;
  name?: string;
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const [page = '', ...name] = path.replace(/^\//, '').split('/');
  return {
    page: page || 'overview',
    name: name.length ? decodeURIComponent(name.join('/')) : undefined,
    params: new URLSearchParams(query),
  };
}

export function href(page: string, name?: string, params?: Record<string, string>): string {
  const query = params ? `?${new URLSearchParams(params).toString()}` : '';
  return `#/${page}${name ? `/${encodeURIComponent(name)}` : ''}${query}`;
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
