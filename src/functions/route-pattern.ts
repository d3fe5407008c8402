/**
 * A function's `route` export: `/{a}/{b}` names one path segment each, `{rest+}` (last only)
 * takes the remaining segments. No route accepts any path with no params. Values are decoded
 * strings, like API Gateway's pathParameters.
 */
export type RouteMatcher = (path: string) => Record<string, string> | undefined;

type Part = { literal: string } | { param: string; greedy: boolean };

export function compileRoute(route: unknown): RouteMatcher {
  if (route === undefined) return () => ({});
  if (typeof route !== 'string' || !route.startsWith('/')) {
    throw new Error(
      `export const route must be a string starting with "/", like "/{a}/{b}"; got ${JSON.stringify(route)}`,
    );
  }
  const parts = splitPath(route).map(parsePart);
  parts.forEach((part, i) => {
    if ('param' in part && part.greedy && i !== parts.length - 1) {
      throw new Error(`route "${route}": {${part.param}+} must be the last segment`);
    }
  });
  return (path) => matchParts(parts, splitPath(path));
}

function parsePart(segment: string): Part {
  const m = /^\{([A-Za-z_$][\w$]*)(\+?)\}$/.exec(segment);
  if (m) return { param: m[1] ?? '', greedy: m[2] === '+' };
  if (segment.includes('{') || segment.includes('}')) {
    throw new Error(`route segment "${segment}" must be a literal or a whole {name} parameter`);
  }
  return { literal: segment };
}

function matchParts(parts: Part[], segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    if ('literal' in part) {
      if (segments[i] !== part.literal) return undefined;
      continue;
    }
    if (part.greedy) {
      if (i >= segments.length) return undefined;
      params[part.param] = segments.slice(i).map(decode).join('/');
      return params;
    }
    const value = segments[i];
    if (value === undefined || value === '') return undefined;
    params[part.param] = decode(value);
  }
  return segments.length === parts.length ? params : undefined;
}

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
