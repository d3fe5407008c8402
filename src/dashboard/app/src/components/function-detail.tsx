import { useEffect, useState } from 'preact/hooks';
import { formatMs, shortVersion, timeAgo } from '../format.js';
import {
  loadInvocations,
  loadSource,
  loadVersions,
  removeFunction,
  type FunctionItem,
  type InvocationRecord,
  type VersionItem,
} from '../functions-api.js';
import { href } from '../route.js';
import { FunctionEditor } from './function-editor.js';
import { FunctionInvocations } from './function-invocations.js';
import { FunctionAlerts, FunctionStateBadge } from './function-state.js';
import { FunctionVersions } from './function-versions.js';

export function FunctionNotFound({ name }: { name: string }) {
  return (
    <div class="page">
      <h1>Not found</h1>
      <p>
        There is no function named <code>{name}</code>. It may have been removed, here, with the CLI or on another
        instance. <a href={href('functions')}>All functions</a>
      </p>
    </div>
  );
}

function RemoveButton({ name, onRemoved }: { name: string; onRemoved: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const remove = async () => {
    try {
      await removeFunction(name);
      onRemoved();
    } catch (e) {
      setError(String(e));
    }
  };
  return (
    <section class="panel danger-zone">
      <h2>Remove</h2>
      {confirming ? (
        <div class="confirm" role="alertdialog" aria-label={`Remove ${name}?`}>
          <span>
            Remove <strong>{name}</strong>? Routes to it answer 404 at once; its versions stay in the store.
          </span>
          <button type="button" class="button button-danger" data-testid="confirm-remove" onClick={() => void remove()}>
            Yes, remove {name}
          </button>
          <button type="button" class="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" class="button button-danger" data-testid="remove" onClick={() => setConfirming(true)}>
          Remove {name}…
        </button>
      )}
      {error && <p class="banner banner-error">{error}</p>}
    </section>
  );
}

/**
 * One function: what needs attention, its numbers, the versions with rollback, the current source
 * in the editor, its recent calls, and removal. Follows the list, which the event stream keeps current.
 */
export function FunctionDetail({ item, onChange }: { item: FunctionItem; onChange: () => void }) {
  const { name, version, activity } = item;
  const [versions, setVersions] = useState<VersionItem[]>([]);
  const [source, setSource] = useState<string>();
  const [invocations, setInvocations] = useState<InvocationRecord[]>([]);
  const [error, setError] = useState<string>();

  // The list is polled every few seconds: fetched now, its counts agree with the calls listed below.
  useEffect(onChange, [name]);

  // Each effect drops its answer once a newer one is on the way, so a slow reply cannot undo a rollback.
  useEffect(() => {
    let current = true;
    Promise.all([loadVersions(name), loadSource(name)])
      .then(([nextVersions, nextSource]) => {
        if (!current) return;
        setVersions(nextVersions);
        setSource(nextSource.source);
        setError(undefined);
      })
      .catch((e: unknown) => current && setError(String(e)));
    return () => {
      current = false;
    };
  }, [name, version, item.versions]);

  useEffect(() => {
    let current = true;
    loadInvocations(name)
      .then((next) => current && setInvocations(next))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [name, version, activity.invocations]);

  return (
    <div class="page detail">
      <div class="page-head">
        <div>
          <div class="muted kind">Function</div>
          <h1 class="object-name" data-testid="object-name">
            {name}
          </h1>
        </div>
        <FunctionStateBadge item={item} />
      </div>
      <FunctionAlerts items={[item]} link={false} />
      {error && <p class="banner banner-error">{error}</p>}
      <dl class="fields panel">
        <div class="field">
          <dt>Current version</dt>
          <dd>
            <code data-testid="current-version" title={version}>
              {shortVersion(version)}
            </code>
          </dd>
        </div>
        <div class="field">
          <dt>Last deploy</dt>
          <dd title={item.updatedAt}>{timeAgo(item.updatedAt)}</dd>
        </div>
        <div class="field">
          <dt>Calls · errors</dt>
          <dd data-testid="function-counts">
            {activity.invocations} · {activity.errors}
          </dd>
        </div>
        <div class="field">
          <dt>p50 run time</dt>
          <dd>{formatMs(activity.p50Ms)}</dd>
        </div>
        <div class="field">
          <dt>Loaded</dt>
          <dd>{item.loaded ? 'yes (warm)' : 'no: the next call starts it'}</dd>
        </div>
      </dl>
      <section class="panel">
        <h2>Source</h2>
        {source === undefined ? (
          <p class="loading">Loading…</p>
        ) : (
          <FunctionEditor name={name} initialSource={source} onDeployed={onChange} />
        )}
      </section>
      <FunctionInvocations invocations={invocations} />
      <FunctionVersions name={name} versions={versions} onChange={onChange} />
      <RemoveButton
        name={name}
        onRemoved={() => {
          onChange();
          window.location.hash = href('functions');
        }}
      />
    </div>
  );
}
