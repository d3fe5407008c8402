import type { Handler } from '../runtime/context.js';

export type ServerState = 'UP' | 'DOWN';

/** A compiled service: answers the request completely, including 502/503/504 errors. */
export interface Service {
  readonly handle: Handler;
  /** Server URL → state, for the API. Empty for services made of other services. */
  serverStatus(): Record<string, ServerState>;
  /** Whether at least one server or child can take traffic now. */
  isAvailable(): boolean;
}

/** Emitted when health checking moves a server between UP and DOWN. */
export interface ServerStatusEvent {
  service: string;
  url: string;
  state: ServerState;
  reason?: string;
}
