/**
 * A Request built on first use. Constructing fetch's Request costs 10–20 µs (URL parsing, header
 * validation, an AbortController of its own), more than the rest of a warm call together, and
 * many functions read only `ctx.params`. The handler gets a stand-in that is a Request to every
 * test (`instanceof`, its methods and getters, `new Request(it)`, `fetch(it)`), and the real one
 * is made the first time anything of it is read.
 */
const BUILD = Symbol('build');
const REAL = Symbol('real');
const BOUND = Symbol('bound');

interface Stand {
  [BUILD]: () => Request;
  [REAL]?: Request;
  /** Methods are bound once each, so `request.json === request.json` as on a real Request. */
  [BOUND]?: WeakMap<object, unknown>;
}

function real(stand: Stand): Request {
  return (stand[REAL] ??= stand[BUILD]());
}

// One handler for every stand-in: a call allocates only the stand-in and its proxy.
const handler: ProxyHandler<Stand> = {
  get(stand, key) {
    const request = real(stand);
    const value: unknown = Reflect.get(request, key, request);
    if (typeof value !== 'function') return value;
    const bound = (stand[BOUND] ??= new WeakMap());
    let method = bound.get(value);
    if (method === undefined) bound.set(value, (method = (value as (...args: unknown[]) => unknown).bind(request)));
    return method;
  },
  set: (stand, key, value) => Reflect.set(real(stand), key, value),
  has: (stand, key) => Reflect.has(real(stand), key),
  ownKeys: (stand) => Reflect.ownKeys(real(stand)),
  getOwnPropertyDescriptor: (stand, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(real(stand), key);
    // A proxy may only report a property its target lacks as configurable.
    return descriptor && { ...descriptor, configurable: true };
  },
  getPrototypeOf: () => Request.prototype,
};

export function lazyRequest(build: () => Request): Request {
  const stand = Object.create(Request.prototype) as Stand;
  stand[BUILD] = build;
  return new Proxy(stand, handler) as unknown as Request;
}
