import type { ServerResponse } from 'node:http';

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

/** The response methods through which every byte of a response head and body goes. */
export interface ResponseMethods {
  writeHead: (...args: unknown[]) => unknown;
  write: (...args: unknown[]) => boolean;
  end: (...args: unknown[]) => unknown;
}

const NAMES = ['writeHead', 'write', 'end'] as const;

/**
 * Intercepts some of `res`'s writing methods, the way response-rewriting middlewares must in
 * Node. `make` receives the methods as they were (possibly another middleware's interception)
 * to forward to. Interceptions stack: the returned `restore` only unplugs this one, and if
 * another was stacked on top since, this one merely turns into a pass-through.
 */
export function patchResponse(
  res: ServerResponse,
  make: (previous: ResponseMethods) => Partial<ResponseMethods>,
): () => void {
  const target = res as unknown as Record<string, unknown>;
  const saved = NAMES.map((name) => ({ name, own: Object.hasOwn(res, name), value: target[name] as AnyMethod }));
  const previous: ResponseMethods = {
    writeHead: (...args) => saved[0]!.value.apply(res, args),
    write: (...args) => Boolean(saved[1]!.value.apply(res, args)),
    end: (...args) => saved[2]!.value.apply(res, args),
  };
  const patch = make(previous);
  let active = true;
  const installed: Partial<Record<(typeof NAMES)[number], AnyMethod>> = {};
  for (const name of NAMES) {
    const replacement = patch[name];
    if (!replacement) continue;
    const forward = previous[name];
    installed[name] = (...args: unknown[]) => (active ? replacement(...args) : forward(...args));
    target[name] = installed[name];
  }
  return () => {
    active = false;
    for (const { name, own, value } of saved) {
      if (!installed[name] || target[name] !== installed[name]) continue;
      if (own) target[name] = value;
      else delete target[name];
    }
  };
}
