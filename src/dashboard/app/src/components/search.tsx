import { objectsOf, ruledRouter, type Kind, type Runtime } from '../api.js';
import type { ObjectStatus } from '../../../../runtime/view.js';
import { kindTitle } from '../labels.js';
import { qualified } from '../names.js';
import { PROTOCOLS, kindsOf } from '../protocols.js';
import { href, kindPage } from '../route.js';
import { matches } from './object-list.js';
import { StatusBadge } from './status.js';

/** Every HTTP, TCP and UDP object whose name, rule, service or type contains the query, grouped by kind. */
export function SearchResults({ runtime, query }: { runtime: Runtime; query: string }) {
  const groups = PROTOCOLS.flatMap((protocol) => {
    const objects = objectsOf(runtime, protocol);
    const found: Record<Kind, { name: string; status: ObjectStatus }[]> = {
      routers: objects.routers.filter((r) =>
        matches(query, r.name, ruledRouter(r, protocol)?.rule, qualified(r.service, r.provider)),
      ),
      services: objects.services.filter((s) => matches(query, s.name, s.type)),
      middlewares: objects.middlewares.filter((m) => matches(query, m.name, m.type)),
    };
    return kindsOf(protocol).map((kind) => ({
      title: kindTitle(protocol, kind),
      page: kindPage(protocol, kind),
      items: found[kind],
    }));
  });
  const total = groups.reduce((n, { items }) => n + items.length, 0);
  return (
    <div class="page">
      <div class="page-head">
        <h1>
          {total} result{total === 1 ? '' : 's'} for “{query}”
        </h1>
      </div>
      {groups.map(({ title, page, items }) =>
        items.length === 0 ? null : (
          <section class="panel" data-testid={`results-${page.replace('/', '-')}`}>
            <h2>{title}</h2>
            <ul class="results">
              {items.map((o) => (
                <li data-testid="result">
                  <StatusBadge status={o.status} /> <a href={href(page, o.name)}>{o.name}</a>
                </li>
              ))}
            </ul>
          </section>
        ),
      )}
    </div>
  );
}
