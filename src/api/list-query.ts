/**
 * Traefik's list parameters: `search`, `status`, `serviceName`, `middlewareName` to filter,
 * `sortBy` and `direction` to order, `page` and `per_page` to page (answered with `X-Next-Page`).
 */
export interface ListCriteria {
  search: string;
  status: string;
  serviceName: string;
  middlewareName: string;
}

export function listCriteria(query: URLSearchParams): ListCriteria {
  return {
    search: (query.get('search') ?? '').toLowerCase(),
    status: query.get('status') ?? '',
    serviceName: query.get('serviceName') ?? '',
    middlewareName: query.get('middlewareName') ?? '',
  };
}

export function matchesStatus(criteria: ListCriteria, status: string): boolean {
  return criteria.status === '' || criteria.status.toLowerCase() === status.toLowerCase();
}

/** Case-insensitive substring search in any of the values. */
export function matchesSearch(criteria: ListCriteria, ...values: (string | undefined)[]): boolean {
  return criteria.search === '' || values.some((v) => v !== undefined && v.toLowerCase().includes(criteria.search));
}

/**
 * Traefik's rule against the router's `service` as written: a qualified one must be asked for
 * exactly; a bare one matches `serviceName` with or without a provider, since the router's own
 * provider is implied.
 */
export function matchesService(criteria: ListCriteria, service: string): boolean {
  if (criteria.serviceName === '') return true;
  if (service.includes('@')) return criteria.serviceName === service;
  return criteria.serviceName.split('@')[0] === service;
}

/** As in Traefik, `middlewareName` must be one of the router's middlewares exactly as written. */
export function matchesMiddleware(criteria: ListCriteria, middlewares: readonly string[] | undefined): boolean {
  return criteria.middlewareName === '' || (middlewares ?? []).includes(criteria.middlewareName);
}

type SortKey<T> = (item: T) => string | number;

/**
 * Sorts by the `sortBy` key (name when absent or unknown), ties broken by name, in `direction`
 * (`asc` by default).
 */
export function sortItems<T extends { name: string }>(
  items: T[],
  query: URLSearchParams,
  keys: Record<string, SortKey<T>>,
): T[] {
  const key = keys[query.get('sortBy') ?? ''] ?? ((item: T) => item.name);
  const sign = query.get('direction') === 'desc' ? -1 : 1;
  const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return items.sort((a, b) => sign * (compare(key(a), key(b)) || compare(a.name, b.name)));
}

export interface Page<T> {
  items: T[];
  nextPage: number;
}

export class PageError extends Error {}

const DEFAULT_PER_PAGE = 100;

/** One page of the list; `nextPage` is 1 on the last page, as in Traefik. */
export function paginate<T>(items: T[], query: URLSearchParams): Page<T> {
  const perPage = positiveInt(query, 'per_page', DEFAULT_PER_PAGE);
  const page = positiveInt(query, 'page', 1);
  const start = (page - 1) * perPage;
  if (start !== 0 && start >= items.length) {
    throw new PageError(`invalid request: page: ${page}, per_page: ${perPage}`);
  }
  return { items: items.slice(start, start + perPage), nextPage: page * perPage < items.length ? page + 1 : 1 };
}

function positiveInt(query: URLSearchParams, key: string, fallback: number): number {
  const raw = query.get(key);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new PageError(`invalid request: ${key}: ${raw}`);
  return value;
}
