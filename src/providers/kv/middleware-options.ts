import { middlewareShapes } from '../labels/v3-shapes.js';
import type { Shape } from '../labels/shape.js';

type Tree = Record<string, unknown>;

/**
 * Rewrites one middleware read from a KV store to Traefik's spelling: the type name and the
 * options the label shapes know are matched ignoring case, and their string values converted
 * (ints, booleans, comma lists). Options the shapes do not list are kept as written: the
 * middleware factory validates every option and names the ones it does not know.
 */
export function normalizeKvMiddleware(value: unknown): unknown {
  if (!isTree(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([written, options]) => {
      const type = Object.keys(middlewareShapes).find((known) => known.toLowerCase() === written.toLowerCase());
      if (type === undefined) return [written, options];
      // `…/middlewares/x/contenttype = true` declares a type that needs no options.
      const declared = options === 'true' || options === '' ? {} : options;
      return [type, normalizeByShape(declared, middlewareShapes[type]!)];
    }),
  );
}

function normalizeByShape(value: unknown, shape: Shape): unknown {
  switch (shape.kind) {
    case 'object': {
      if (shape.self === 'bool' && typeof value === 'string' && value.toLowerCase() === 'true') return {};
      if (!isTree(value)) return value;
      return Object.fromEntries(
        Object.entries(value).map(([written, child]) => {
          const field = Object.keys(shape.fields).find((name) => name.toLowerCase() === written.toLowerCase());
          return field === undefined ? [written, child] : [field, normalizeByShape(child, shape.fields[field]!)];
        }),
      );
    }
    case 'array':
      return Array.isArray(value) ? value.map((item) => normalizeByShape(item, shape.item)) : value;
    case 'named':
      return isTree(value)
        ? Object.fromEntries(Object.entries(value).map(([name, item]) => [name, normalizeByShape(item, shape.item)]))
        : value;
    case 'int':
      return typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
    case 'bool':
      return typeof value === 'string' && /^\s*(true|false)\s*$/i.test(value)
        ? value.trim().toLowerCase() === 'true'
        : value;
    case 'list':
      return typeof value === 'string'
        ? value
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item !== '')
        : value;
    default:
      return value;
  }
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
