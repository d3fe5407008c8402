import type { Runtime } from '../api.js';
import { href } from '../route.js';
import { matches } from './object-list.js';
import { StatusBadge } from './status.js';

/** Every object whose name, rule, service or type contains the query, grouped by kind. */
export function SearchResults({ runtime, query }: { runtime: Runtime; query: string }) {
  const groups = [
    ['Routers', 'routers', runtime.routers.filter((r) => matches(query, r.name, r.rule, r.service))],
    ['Services', 'services', runtime.services.filter((s) => matches(query, s.name, s.type))],
    ['Middlewares', 'middlewares', runtime.middlewares.filter((m) => matches(query, m.name, m.type))],
  ] as const;
  const total = groups.reduce((n, [, , items]) => n + items.length, 0);
  return (
    <div class="page">
      <div class="page-head">
        <h1>
          {total} result{total === 1 ? '' : 's'} for “{query}”
        </h1>
      </div>
      {groups.map(([title, page, items]) =>
        items.length === 0 ? null : (
          <section class="panel">
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
