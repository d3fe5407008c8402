import { firstLine, formatMs, timeAgo } from '../format.js';
import type { InvocationRecord } from '../functions-api.js';

const GOOD = new Set(['ok']);
const CALLER = new Set(['no-route', 'busy', 'request-too-large']);

/** The message, with the stack folded away: it is long, and on a phone it would fill the screen. */
function InvocationError({ error }: { error: string }) {
  const message = firstLine(error);
  if (message === error) return <div class="invocation-error">{error}</div>;
  return (
    <details class="invocation-error">
      <summary>{message}</summary>
      <pre>{error}</pre>
    </details>
  );
}

/** The recent calls, newest first, as `portier functions logs` prints them. */
export function FunctionInvocations({ invocations }: { invocations: InvocationRecord[] }) {
  return (
    <section class="panel">
      <h2>Recent invocations</h2>
      {invocations.length === 0 ? (
        <p class="muted" data-testid="no-invocations">
          No calls yet on this instance. Route to <code>functions@internal</code> and call it.
        </p>
      ) : (
        <table class="objects invocations">
          <thead>
            <tr>
              <th>Time</th>
              <th>Request id</th>
              <th>Start</th>
              <th>Duration</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {[...invocations].reverse().map((call) => (
              <tr data-testid="invocation" data-request-id={call.requestId} data-outcome={call.outcome}>
                <td data-label="Time" title={call.time}>
                  {timeAgo(call.time)}
                </td>
                <td data-label="Request id">
                  <code class="request-id">{call.requestId}</code>
                </td>
                <td data-label="Start">
                  {call.cold ? <span title={`init ${formatMs(call.initMs)}`}>cold</span> : 'warm'}
                </td>
                <td data-label="Duration">
                  {formatMs(call.runMs)}
                  {call.cold && <span class="muted"> + {formatMs(call.initMs)} init</span>}
                </td>
                <td data-label="Outcome">
                  <span
                    class={`badge badge-${GOOD.has(call.outcome) ? 'enabled' : CALLER.has(call.outcome) ? 'warning' : 'disabled'}`}
                  >
                    {call.outcome} {call.status}
                  </span>
                  {call.error && <InvocationError error={call.error} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
