import { firstLine } from '../format.js';
import type { FunctionItem } from '../functions-api.js';
import { href } from '../route.js';

const LABELS = { ok: 'OK', failing: 'Failing', 'deploy-failed': 'Deploy failed' } as const;
const BADGES = { ok: 'enabled', failing: 'disabled', 'deploy-failed': 'disabled' } as const;

export function FunctionStateBadge({ item }: { item: FunctionItem }) {
  const { state } = item.activity;
  return (
    <span class={`badge badge-${BADGES[state]}`} data-testid="function-state" data-state={state}>
      {LABELS[state]}
    </span>
  );
}

/** In the words of the failure itself: where a deploy broke, or how the latest call ended. */
export function failureSummary(item: FunctionItem): string | undefined {
  const { deployFailure, lastFailure, state } = item.activity;
  if (state === 'deploy-failed' && deployFailure) {
    return `last deploy refused: ${deployFailure.message}. The previous version still serves.`;
  }
  if (state === 'failing' && lastFailure) {
    return `latest call ended in ${lastFailure.outcome}${lastFailure.error ? `: ${firstLine(lastFailure.error)}` : ''} (request ${lastFailure.requestId})`;
  }
  return undefined;
}

/** Functions that need attention, at the top of the functions pages. */
export function FunctionAlerts({ items, link = true }: { items: FunctionItem[]; link?: boolean }) {
  const failing = items.filter((item) => item.activity.state !== 'ok');
  if (failing.length === 0) return null;
  return (
    <section class="panel panel-problems" data-testid="function-alerts">
      <h2>
        {failing.length} function{failing.length === 1 ? ' needs' : 's need'} attention
      </h2>
      <ul class="problems">
        {failing.map((item) => (
          <li class="problem problem-error">
            <div class="problem-head">
              <FunctionStateBadge item={item} />
              {link ? <a href={href('functions', item.name)}>{item.name}</a> : <strong>{item.name}</strong>}
            </div>
            <div class="problem-message">{failureSummary(item)}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}
