import type { RoutingRequest } from './types.js';

/**
 * Views of the request that several matchers share. Each is computed at most once per distinct
 * input and cached in a single slot: routing one request calls many matchers with the same path
 * and query, and JS runs them synchronously, so the slot is always fresh for the request at hand.
 */

let cachedPathInput: string | undefined;
let cachedRoutingPath = '';

// RFC 3986 reserved characters, plus `%` itself: their escapes keep their meaning in a path.
const RESERVED_ESCAPES = new Set([...":/?#[]@!$&'()*+,;=%"].map((c) => c.charCodeAt(0).toString(16).toUpperCase()));

/**
 * The path rules compare against: escapes decoded except reserved ones (so `Path(\`/a b\`)`
 * matches `/a%20b` while `%2F` never acts as a separator), as in Traefik.
 */
export function routingPath(path: string): string {
  if (!path.includes('%')) return path;
  if (path === cachedPathInput) return cachedRoutingPath;
  cachedRoutingPath = path.replace(/(?:%[0-9A-Fa-f]{2})+/g, decodeUnreservedRun);
  cachedPathInput = path;
  return cachedRoutingPath;
}

function decodeUnreservedRun(run: string): string {
  let out = '';
  let pending = '';
  for (let i = 0; i < run.length; i += 3) {
    const escape = run.slice(i, i + 3);
    if (RESERVED_ESCAPES.has(escape.slice(1).toUpperCase())) {
      out += decodeBytes(pending) + escape;
      pending = '';
    } else {
      pending += escape;
    }
  }
  return out + decodeBytes(pending);
}

function decodeBytes(escapes: string): string {
  if (!escapes) return '';
  try {
    return decodeURIComponent(escapes);
  } catch {
    return escapes; // not UTF-8: leave as written
  }
}

let cachedQueryInput: string | undefined;
let cachedQuery = new Map<string, string[]>();

/** The query string parsed like Go's `url.ParseQuery`: `&`-separated, `+` is a space. */
export function queryValues(query: string): ReadonlyMap<string, readonly string[]> {
  if (query === cachedQueryInput) return cachedQuery;
  const parsed = new Map<string, string[]>();
  if (query) {
    for (const pair of query.split('&')) {
      // Go drops pairs with a `;` (ambiguous separator) and pairs that fail to decode.
      if (!pair || pair.includes(';')) continue;
      const eq = pair.indexOf('=');
      const key = unescapeQuery(eq < 0 ? pair : pair.slice(0, eq));
      const value = unescapeQuery(eq < 0 ? '' : pair.slice(eq + 1));
      if (key === undefined || value === undefined) continue;
      const values = parsed.get(key);
      if (values) values.push(value);
      else parsed.set(key, [value]);
    }
  }
  cachedQuery = parsed;
  cachedQueryInput = query;
  return parsed;
}

function unescapeQuery(text: string): string | undefined {
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

export type ValueTest = (value: string) => boolean;

export function equalTo(expected: string): ValueTest {
  return (value) => value === expected;
}

export function matching(re: RegExp): ValueTest {
  return (value) => re.test(value);
}

/** Whether some value of the query parameter `key` passes `test`. */
export function queryValueTest(key: string, test: ValueTest): (request: RoutingRequest) => boolean {
  return (request) => queryValues(request.query).get(key)?.some(test) ?? false;
}

/** Whether some value of the header `name` (any case) passes `test`. */
export function headerValueTest(name: string, test: ValueTest): (request: RoutingRequest) => boolean {
  const key = name.toLowerCase();
  return (request) => someHeaderValue(request, key, test);
}

/**
 * Calls `test` on each value of a header, as Go does. Node joins repeated header lines with ", ",
 * which cannot be told apart from one line holding a comma; `headersDistinct` (computed once per
 * request by Node, only when needed) keeps the lines apart.
 */
function someHeaderValue(request: RoutingRequest, name: string, test: ValueTest): boolean {
  const raw = request.req.headers[name];
  if (raw === undefined) return false;
  if (typeof raw !== 'string') return raw.some(test);
  if (test(raw)) return true;
  const lines = raw.includes(', ') ? request.req.headersDistinct?.[name] : undefined;
  return lines !== undefined && lines.length > 1 && lines.some(test);
}
