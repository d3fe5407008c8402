import { useState } from 'preact/hooks';
import { formatMs, shortVersion, timeAgo } from '../format.js';
import type { FunctionEvent, FunctionItem } from '../functions-api.js';
import { href } from '../route.js';
import { attentionFirst } from '../use-functions.js';
import { FunctionAlerts, FunctionStateBadge } from './function-state.js';
import { matches } from './object-list.js';

const CHANGES = {
  deployed: 'deployed',
  'rolled-back': 'rolled back',
  'deploy-failed': 'deploy refused',
  removed: 'removed',
};

/** Every function, what needs attention first; the row the last live event touched is marked. */
export function FunctionsList({ functions, lastEvent }: { functions: FunctionItem[]; lastEvent?: FunctionEvent }) {
  const [search, setSearch] = useState('');
  const shown = attentionFirst(functions.filter((f) => matches(search, f.name, f.version)));
  return (
    <div class="page">
      <div class="page-head">
        <h1>Functions</h1>
        <div class="filters">
          <input
            type="search"
            placeholder="Filter functions…"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
            aria-label="Filter"
          />
          <a class="button button-primary" href={href('new-function')} data-testid="new-function">
            New function
          </a>
        </div>
      </div>
      <FunctionAlerts items={functions} />
      {functions.length === 0 ? (
        <p class="empty" data-testid="no-functions">
          No functions deployed. Write one with <a href={href('new-function')}>New function</a>, or run{' '}
          <code>portier functions deploy NAME ./file.ts</code>.
        </p>
      ) : shown.length === 0 ? (
        <p class="empty">Nothing matches.</p>
      ) : (
        <table class="objects">
          <thead>
            <tr>
              <th>Status</th>
              <th>Name</th>
              <th>Version</th>
              <th>Versions</th>
              <th>Calls</th>
              <th>Errors</th>
              <th>p50</th>
              <th>Last deploy</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((f) => (
              <tr
                data-testid="function-row"
                data-name={f.name}
                data-change={lastEvent?.name === f.name ? lastEvent.change : undefined}
                class={lastEvent?.name === f.name ? 'row-changed' : ''}
              >
                <td data-label="Status">
                  <FunctionStateBadge item={f} />
                </td>
                <td data-label="Name">
                  <a href={href('functions', f.name)}>{f.name}</a>
                  {lastEvent?.name === f.name && (
                    <span class="chip" title="The last change announced on the event stream">
                      {CHANGES[lastEvent.change]}
                    </span>
                  )}
                </td>
                <td data-label="Version">
                  <code data-testid="function-version">{shortVersion(f.version)}</code>
                </td>
                <td data-label="Versions" data-testid="function-versions">
                  {f.versions}
                </td>
                <td data-label="Calls" data-testid="function-invocations">
                  {f.activity.invocations}
                </td>
                <td data-label="Errors">
                  <span class={f.activity.errors ? 'error-count' : ''}>{f.activity.errors}</span>
                </td>
                <td data-label="p50">{formatMs(f.activity.p50Ms)}</td>
                <td data-label="Last deploy" title={f.updatedAt}>
                  {timeAgo(f.updatedAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
