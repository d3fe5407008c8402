import type { RequestContext } from '../runtime/context.js';

/** The parts of a request that rules look at. `RequestContext` satisfies it. */
export type RoutingRequest = Pick<RequestContext, 'host' | 'path' | 'query' | 'clientIp'> & {
  readonly req: {
    readonly method?: string;
    readonly headers: NodeJS.Dict<string | string[]>;
    /** Repeated header lines kept apart (Node joins them with ", " in `headers`); optional. */
    readonly headersDistinct?: NodeJS.Dict<string[]>;
  };
};

/** A rule compiled once per configuration version. */
export interface CompiledRule {
  readonly source: string;
  match(request: RoutingRequest): boolean;
  /**
   * When every match requires the Host to be one of these exact (canonical) names, they are
   * listed here so the router table can look the rule up by host before any general scan.
   * Undefined for rules that can match other hosts (wildcards, HostRegexp, `||` with non-host…).
   */
  readonly hosts?: readonly string[];
}
