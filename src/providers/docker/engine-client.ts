import { createInterface } from 'node:readline';
import { Client, Pool } from 'undici';

/**
 * A minimal Docker Engine API client over undici: the unix socket (`unix:///var/run/docker.sock`)
 * or TCP (`tcp://host:2375`). The API version is negotiated with `/_ping` on each connect, so
 * neither an old daemon nor a new one that dropped old versions is refused.
 */
export class EngineClient {
  /** Short requests (list, inspect) run in parallel on a small pool. */
  private readonly client: Pool;
  private readonly origin: string;
  private readonly socketPath: string | undefined;
  private version: string | undefined;

  constructor(readonly endpoint = 'unix:///var/run/docker.sock') {
    if (endpoint.startsWith('unix://')) {
      this.origin = 'http://docker';
      this.socketPath = endpoint.slice('unix://'.length);
    } else if (/^(tcp|http):\/\//.test(endpoint)) {
      this.origin = endpoint.replace(/^tcp:/, 'http:');
    } else {
      throw new Error(`Docker endpoint "${endpoint}" must start with unix:// or tcp://`);
    }
    this.client = new Pool(this.origin, { socketPath: this.socketPath, connections: 8 });
  }

  /** Reads the daemon's API version; call again after a reconnect (the daemon may have changed). */
  async negotiate(): Promise<string> {
    const response = await this.client.request({ path: '/_ping', method: 'GET', headersTimeout: 5000 });
    await response.body.dump();
    const header = response.headers['api-version'];
    if (response.statusCode !== 200 || typeof header !== 'string') {
      throw new Error(`Docker at ${this.endpoint} answered /_ping with status ${response.statusCode}`);
    }
    this.version = header;
    return header;
  }

  async get<T>(path: string): Promise<T> {
    const response = await this.client.request({
      path: this.versioned(path),
      method: 'GET',
      headersTimeout: 10_000,
      bodyTimeout: 30_000,
    });
    if (response.statusCode !== 200) throw await EngineError.from(path, response.statusCode, response.body);
    return (await response.body.json()) as T;
  }

  /**
   * Follows a newline-delimited JSON stream (`/events`) until it ends, the daemon goes away or
   * `signal` aborts; resolves when it ended, rejects when it could not start. `onOpen` runs once
   * the stream is established, before any message is read.
   */
  async stream(
    path: string,
    onMessage: (message: unknown) => void,
    signal: AbortSignal,
    onOpen: () => Promise<void>,
  ): Promise<void> {
    // A stream holds its connection for as long as it runs: it gets one of its own.
    const connection = new Client(this.origin, { socketPath: this.socketPath });
    try {
      const response = await connection.request({
        path: this.versioned(path),
        method: 'GET',
        signal,
        headersTimeout: 10_000,
        bodyTimeout: 0,
      });
      if (response.statusCode !== 200) throw await EngineError.from(path, response.statusCode, response.body);
      await onOpen();
      const lines = createInterface({ input: response.body, crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.trim()) onMessage(JSON.parse(line));
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    } finally {
      await connection.destroy().catch(() => {});
    }
  }

  async close(): Promise<void> {
    await this.client.destroy();
  }

  private versioned(path: string): string {
    return this.version ? `/v${this.version}${path}` : path;
  }
}

export class EngineError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }

  /** Docker answers errors as `{"message": "…"}`: show that message. */
  static async from(path: string, status: number, body: { text(): Promise<string> }): Promise<EngineError> {
    const text = (await body.text()).trim();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // Not JSON: show it as it is.
    }
    return new EngineError(`GET ${path}: ${status} ${message}`, status);
  }
}
