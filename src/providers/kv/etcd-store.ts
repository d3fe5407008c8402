import { request } from 'undici';
import type { KvPair, KvStore, KvWatch, KvWatchListener } from './store.js';
import { redactUrl } from '../../runtime/redact.js';

const CALL_TIMEOUT_MS = 3000;

export interface EtcdOptions {
  /** `host:port` or URLs; the first that answers is used. */
  endpoints: string[];
  username?: string;
  password?: string;
}

interface RangeResponse {
  kvs?: { key: string; value?: string }[];
}

/**
 * etcd v3 through its JSON gateway (`/v3/kv/*`, `/v3/watch`), which every etcd since 3.4 serves
 * on the client port: no gRPC stack needed. Keys and values travel base64-encoded.
 */
export async function connectEtcd(options: EtcdOptions): Promise<EtcdStore> {
  const errors: string[] = [];
  for (const endpoint of options.endpoints) {
    const base = /^https?:\/\//.test(endpoint) ? endpoint.replace(/\/+$/, '') : `http://${endpoint}`;
    try {
      const store = new EtcdStore(base);
      await store.authenticate(options.username, options.password);
      await store.list('\0');
      return store;
    } catch (error) {
      errors.push(`${redactUrl(base)}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no etcd endpoint answered (${errors.join('; ')})`);
}

export class EtcdStore implements KvStore {
  readonly where: string;
  private token: string | undefined;
  private readonly watches = new Set<AbortController>();

  constructor(private readonly base: string) {
    this.where = `etcd ${base}`;
  }

  async authenticate(name: string | undefined, password: string | undefined): Promise<void> {
    if (name === undefined) return;
    const reply = (await this.call('/v3/auth/authenticate', { name, password: password ?? '' })) as { token?: string };
    this.token = reply.token;
  }

  async list(prefix: string): Promise<KvPair[]> {
    const reply = (await this.call('/v3/kv/range', {
      key: b64(prefix),
      range_end: b64(prefixEnd(prefix)),
    })) as RangeResponse;
    return (reply.kvs ?? []).map((kv) => ({ key: unb64(kv.key), value: unb64(kv.value ?? '') }));
  }

  async get(key: string): Promise<string | undefined> {
    const reply = (await this.call('/v3/kv/range', { key: b64(key) })) as RangeResponse;
    const kv = reply.kvs?.[0];
    return kv ? unb64(kv.value ?? '') : undefined;
  }

  async put(key: string, value: string): Promise<void> {
    await this.call('/v3/kv/put', { key: b64(key), value: b64(value) });
  }

  async delete(key: string, options: { prefix?: boolean } = {}): Promise<number> {
    const range = options.prefix ? { range_end: b64(prefixEnd(key)) } : {};
    const reply = (await this.call('/v3/kv/deleterange', { key: b64(key), ...range })) as { deleted?: string };
    return Number(reply.deleted ?? 0);
  }

  async watch(prefix: string, listener: KvWatchListener): Promise<KvWatch> {
    const controller = new AbortController();
    this.watches.add(controller);
    const { statusCode, body } = await request(`${this.base}/v3/watch`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({ create_request: { key: b64(prefix), range_end: b64(prefixEnd(prefix)) } }),
      signal: controller.signal,
      bodyTimeout: 0,
      headersTimeout: CALL_TIMEOUT_MS,
    });
    if (statusCode !== 200) throw new Error(`watch answered ${statusCode}: ${await body.text()}`);
    const close = () => {
      this.watches.delete(controller);
      controller.abort();
    };
    // The gateway streams one JSON message per line; the first confirms the watch exists.
    await new Promise<void>((created, failed) => {
      let buffer = '';
      let confirmed = false;
      body.setEncoding('utf8');
      body.on('data', (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (line === '') continue;
          const message = JSON.parse(line) as {
            result?: { created?: boolean; events?: { kv?: { key?: string } }[] };
            error?: unknown;
          };
          if (message.error !== undefined) {
            const error = new Error(`watch failed: ${JSON.stringify(message.error)}`);
            if (confirmed) listener.lost(error);
            else failed(error);
            return close();
          }
          if (!confirmed && message.result?.created) {
            confirmed = true;
            created();
          }
          const events = message.result?.events ?? [];
          if (events.length > 0) listener.changed(events.map((event) => unb64(event.kv?.key ?? '')));
        }
      });
      const ended = (error?: Error) => {
        if (controller.signal.aborted) return;
        const reason = error ?? new Error('etcd closed the watch stream');
        if (confirmed) listener.lost(reason);
        else failed(reason);
        close();
      };
      body.on('error', ended);
      body.on('end', () => ended());
    });
    return { close };
  }

  async close(): Promise<void> {
    for (const controller of this.watches) controller.abort();
    this.watches.clear();
  }

  private headers(): Record<string, string> {
    return { 'content-type': 'application/json', ...(this.token && { authorization: this.token }) };
  }

  /** One JSON gateway call (`/v3/kv/txn`…), for users that need more than the KvStore surface. */
  async call(path: string, payload: unknown): Promise<unknown> {
    const { statusCode, body } = await request(`${this.base}${path}`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify(payload),
      headersTimeout: CALL_TIMEOUT_MS,
      bodyTimeout: CALL_TIMEOUT_MS,
    });
    const text = await body.text();
    if (statusCode !== 200) throw new Error(`${path} answered ${statusCode}: ${text}`);
    return JSON.parse(text) as unknown;
  }
}

export function b64(key: string | Buffer): string {
  return (typeof key === 'string' ? Buffer.from(key, 'utf8') : key).toString('base64');
}

export function unb64(text: string): string {
  return Buffer.from(text, 'base64').toString('utf8');
}

/** The smallest key after every key starting with `prefix` (etcd's range end for a prefix). */
function prefixEnd(prefix: string): Buffer {
  const bytes = Buffer.from(prefix, 'utf8');
  for (let index = bytes.length - 1; index >= 0; index--) {
    if (bytes[index]! < 0xff) {
      bytes[index] = bytes[index]! + 1;
      return bytes.subarray(0, index + 1);
    }
  }
  return Buffer.from([0]);
}
