import type { Runtime } from '../api.js';
import { issueLink } from '../problems.js';

export function Providers({ runtime }: { runtime: Runtime }) {
  return (
    <div class="page">
      <div class="page-head">
        <h1>Providers</h1>
      </div>
      {runtime.providers.map((p) => (
        <section class="panel" data-testid="provider-panel">
          <h2>
            <span class={`dot dot-${p.state}`} aria-hidden="true" /> {p.name}{' '}
            <span class="muted">{p.state === 'ok' ? 'healthy' : p.state}</span>
          </h2>
          {p.lastUpdate && <p class="muted">Last update {new Date(p.lastUpdate).toLocaleString()}</p>}
          {p.issues.length === 0 ? (
            <p class="muted">No issues.</p>
          ) : (
            <ul class="problems">
              {p.issues.map((issue) => (
                <li class="problem problem-error">
                  <div class="problem-message">{issue.message}</div>
                  {issue.key && (
                    <div class="problem-key">
                      key <code>{issue.key}</code>
                    </div>
                  )}
                  {issue.location && <div class="muted">at {issue.location}</div>}
                  {issue.object && (
                    <div>
                      affects <a href={issueLink(issue, p.name)}>{issue.object.name}</a>
                    </div>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}
