/**
 * Canonical forms of the request's host and path, computed once per request by the entry point so
 * that every rule compares against the same values. Each function has an allocation-free fast path
 * for the common, already-canonical input.
 */

/** Lower case, port and IPv6 brackets stripped, trailing dot dropped; '' when absent. */
export function canonicalHost(value: string | undefined): string {
  if (!value) return '';
  if (isCanonicalHost(value)) return value;
  let host = value;
  if (host.charCodeAt(0) === 0x5b /* [ */) {
    const close = host.indexOf(']');
    host = close > 0 ? host.slice(1, close) : host.slice(1);
  } else {
    const colon = host.indexOf(':');
    // More than one colon without brackets is a bare IPv6 address, which has no port to strip.
    if (colon >= 0 && host.indexOf(':', colon + 1) < 0) host = host.slice(0, colon);
  }
  host = host.toLowerCase();
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

function isCanonicalHost(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const lowerOrDigit = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
    if (!lowerOrDigit && c !== 0x2d /* - */ && c !== 0x2e /* . */ && c !== 0x5f /* _ */) return false;
  }
  return value.charCodeAt(value.length - 1) !== 0x2e;
}

/**
 * The path as routers see it and upstreams receive it: escapes of unreserved characters decoded
 * (`%41` → `A`), other escapes kept with upper-case hex (`%2f` → `%2F`, so an encoded slash never
 * becomes a segment separator), dot-segments removed and duplicate slashes collapsed.
 */
export function normalizePath(rawPath: string): string {
  if (rawPath.charCodeAt(0) === 0x2f && !rawPath.includes('%') && !rawPath.includes('/.') && !rawPath.includes('//')) {
    return rawPath;
  }
  const decoded = rawPath.includes('%') ? decodeUnreserved(rawPath) : rawPath;
  return removeDotSegments(decoded);
}

function decodeUnreserved(path: string): string {
  let out = '';
  let start = 0;
  for (let i = path.indexOf('%'); i >= 0; i = path.indexOf('%', start)) {
    const high = hexValue(path.charCodeAt(i + 1));
    const low = hexValue(path.charCodeAt(i + 2));
    if (high < 0 || low < 0) {
      // A stray `%` is not an escape: encode it so the path stays valid for the upstream.
      out += path.slice(start, i) + '%25';
      start = i + 1;
      continue;
    }
    const code = high * 16 + low;
    out +=
      path.slice(start, i) +
      (isUnreserved(code) ? String.fromCharCode(code) : '%' + path.slice(i + 1, i + 3).toUpperCase());
    start = i + 3;
  }
  return out + path.slice(start);
}

function removeDotSegments(path: string): string {
  const segments = path.split('/');
  const kept: string[] = [];
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') kept.pop();
    else kept.push(segment);
  }
  const last = segments[segments.length - 1];
  const trailingSlash = (last === '' || last === '.' || last === '..') && kept.length > 0;
  return '/' + kept.join('/') + (trailingSlash ? '/' : '');
}

export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~". */
function isUnreserved(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x5f ||
    c === 0x7e
  );
}

export interface RequestTarget {
  path: string;
  /** Without the leading `?`; '' when absent. */
  query: string;
  /** Host and port of an absolute-form target (`http://a.com:8080/x`): it wins over the Host header. Absent when empty. */
  authority?: string;
}

/** Splits a request-target (origin-form `/x?y`, absolute-form `http://a/x?y`, or `*`). */
export function splitTarget(url: string): RequestTarget {
  if (url.charCodeAt(0) === 0x2f) return splitPathAndQuery(url);
  const schemeEnd = url.indexOf('://');
  if (schemeEnd <= 0 || !/^[a-z][a-z0-9+.-]*$/i.test(url.slice(0, schemeEnd))) return splitPathAndQuery(url);
  const authorityStart = schemeEnd + 3;
  let authorityEnd = authorityStart;
  while (authorityEnd < url.length) {
    const c = url.charCodeAt(authorityEnd);
    if (c === 0x2f || c === 0x3f || c === 0x23) break;
    authorityEnd++;
  }
  let authority = url.slice(authorityStart, authorityEnd);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  const rest = splitPathAndQuery(url.slice(authorityEnd));
  // An empty authority (`http://@/`) leaves the Host header in charge, as in Go.
  return authority
    ? { path: rest.path || '/', query: rest.query, authority }
    : { path: rest.path || '/', query: rest.query };
}

function splitPathAndQuery(target: string): RequestTarget {
  let end = target.indexOf('#');
  if (end < 0) end = target.length;
  const question = target.indexOf('?');
  if (question < 0 || question > end) return { path: target.slice(0, end), query: '' };
  return { path: target.slice(0, question), query: target.slice(question + 1, end) };
}
