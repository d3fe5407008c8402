import type { ObjectStatus } from '../../../../runtime/view.js';

const LABELS: Record<ObjectStatus, string> = { enabled: 'OK', warning: 'Warning', disabled: 'Error' };

export function StatusBadge({ status }: { status: ObjectStatus }) {
  return (
    <span class={`badge badge-${status}`} data-status={status}>
      {LABELS[status]}
    </span>
  );
}

export function ServerStateBadge({ state, url }: { state?: 'UP' | 'DOWN'; url: string }) {
  return (
    <span
      class={`badge badge-${state === 'DOWN' ? 'disabled' : state === 'UP' ? 'enabled' : 'unknown'}`}
      data-testid="server-state"
      data-url={url}
    >
      {state ?? 'unknown'}
    </span>
  );
}
