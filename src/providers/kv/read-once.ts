import type { ProviderSnapshot } from '../types.js';
import { decodeKvPairs } from './decode.js';
import { kvPrefix, unreachableIssue, type KvProviderOptions } from './provider.js';
import type { KvStore } from './store.js';

/**
 * Reads a KV provider's configuration once, as the running provider would decode it, for
 * `portier check`: connect, list the root key, close. A store that does not answer within
 * `timeoutMs` becomes one issue naming it, not a wait; a connection that opens later is closed.
 */
export async function readKvOnce(source: KvProviderOptions, timeoutMs: number): Promise<ProviderSnapshot> {
  const prefix = kvPrefix(source.rootKey);
  const connecting = source.connect();
  const read = async (): Promise<ProviderSnapshot> => {
    const store = await connecting;
    try {
      return decodeKvPairs(await store.list(prefix), prefix, source.where);
    } finally {
      await store.close().catch(() => undefined);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs / 1000}s`)), timeoutMs);
  });
  try {
    return await Promise.race([read(), late]);
  } catch (error) {
    connecting.then((store: KvStore) => store.close()).catch(() => undefined);
    const config = { http: { routers: {}, services: {}, middlewares: {} } };
    return { config, issues: [unreachableIssue(source, (error as Error).message)] };
  } finally {
    clearTimeout(timer);
  }
}
