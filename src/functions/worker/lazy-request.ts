/**
 * A Request built on first use. Constructing fetch's Request costs 10–20 µs (URL parsing, header
 * validation, an AbortController of its own), more than the rest of a warm call together, and
 * many functions read only `ctx.params`. The handler gets a stand-in that is a Request to every
 * test (`instanceof`, its methods and getters, `new Request(it)`, `fetch(it)`), and the real one
 * is made the first time anything of it is read.
 */
export function lazyRequest(build: () => Request): Request {
  let real: Request | undefined;
  const request = () => (real ??= build());
  // Methods are bound once each: `request.json === request.json`, as on a real Request.
  const bound = new WeakMap<object, unknown>();
  return new Proxy(Object.create(Request.prototype) as Request, {
    get(_, key) {
      const target = request();
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      let method = bound.get(value);
      if (method === undefined) bound.set(value, (method = (value as (...args: unknown[]) => unknown).bind(target)));
      return method;
    },
    set: (_, key, value) => Reflect.set(request(), key, value),
    has: (_, key) => Reflect.has(request(), key),
    getPrototypeOf: () => Request.prototype,
  });
}
