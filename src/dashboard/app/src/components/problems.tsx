import type { Runtime } from '../api.js';
import type { FunctionItem } from '../functions-api.js';
import { collectProblems, fixFor } from '../problems.js';
import { href } from '../route.js';

export function Problems({
  runtime,
  functions,
  limit,
}: {
  runtime: Runtime;
  functions?: FunctionItem[];
  limit?: number;
}) {
  const problems = collectProblems(runtime, functions);
  if (problems.length === 0) {
    return (
      <section class="panel panel-ok" data-testid="problems">
        <h2>No problems</h2>
        <p class="muted">Every HTTP, TCP and UDP router and service, middleware, provider and function is healthy.</p>
      </section>
    );
  }
  const shown = limit ? problems.slice(0, limit) : problems;
  return (
    <section class="panel panel-problems" data-testid="problems">
      <h2 data-testid="problem-count">
        {problems.length} problem{problems.length === 1 ? '' : 's'}
      </h2>
      <ul class="problems">
        {shown.map((p) => {
          const fix = fixFor(p.message);
          return (
            <li class={`problem problem-${p.severity}`} data-testid="problem">
              <div class="problem-head">
                <span class={`badge badge-${p.severity === 'error' ? 'disabled' : 'warning'}`}>{p.kind}</span>
                <a href={p.link}>{p.name}</a>
                {p.location && <span class="muted"> · {p.location}</span>}
              </div>
              <div class="problem-message">{p.message}</div>
              {p.key && (
                <div class="problem-key">
                  key <code>{p.key}</code>
                </div>
              )}
              {p.also?.map((consequence) => (
                <div class="problem-also">so: {consequence}</div>
              ))}
              {fix && <div class="problem-fix">Fix: {fix}</div>}
            </li>
          );
        })}
      </ul>
      {shown.length < problems.length && <a href={href('problems')}>All {problems.length} problems →</a>}
    </section>
  );
}
