import type { CompiledRule, RoutingRequest } from '../rules/types.js';
import type { Handler } from './context.js';

/** A router ready to serve: its rule compiled and its middleware chain composed around the service. */
export interface ActiveRouter {
  readonly name: string;
  readonly serviceName: string;
  readonly priority: number;
  readonly rule: CompiledRule;
  readonly handler: Handler;
}

/**
 * The routers of one entry point, ordered by priority (higher first, then by name for a stable
 * order). Routers whose rule pins the host to exact names are also indexed by host, so most
 * requests only test the routers of their own host plus the few host-less ones.
 */
export class RouterTable {
  private readonly byHost = new Map<string, ActiveRouter[]>();
  private readonly hostless: ActiveRouter[] = [];

  constructor(routers: ActiveRouter[]) {
    const sorted = [...routers].sort(byPriority);
    for (const router of sorted) {
      const hosts = router.rule.hosts;
      if (!hosts) {
        this.hostless.push(router);
        continue;
      }
      for (const host of hosts) {
        const list = this.byHost.get(host);
        if (list) list.push(router);
        else this.byHost.set(host, [router]);
      }
    }
  }

  /** The highest-priority router whose rule matches, walking both lists in priority order. */
  match(request: RoutingRequest): ActiveRouter | undefined {
    const hosted = this.byHost.get(request.host);
    const hostless = this.hostless;
    let i = 0;
    let j = 0;
    const hostedLength = hosted ? hosted.length : 0;
    while (i < hostedLength || j < hostless.length) {
      const a = hosted?.[i];
      const b = hostless[j];
      let next: ActiveRouter;
      if (a && (!b || byPriority(a, b) <= 0)) {
        next = a;
        i++;
      } else {
        next = b!;
        j++;
      }
      if (next.rule.match(request)) return next;
    }
    return undefined;
  }
}

function byPriority(a: ActiveRouter, b: ActiveRouter): number {
  return b.priority - a.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
