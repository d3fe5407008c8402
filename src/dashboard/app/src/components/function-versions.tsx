import { useState } from 'preact/hooks';
import { shortVersion, timeAgo } from '../format.js';
import { rollbackFunction, type VersionItem } from '../functions-api.js';

/** The versions kept for rollback, newest first; rollback goes back one, as the CLI's does. */
export function FunctionVersions(props: { name: string; versions: VersionItem[]; onChange: () => void }) {
  const { name, versions } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const previous = versions[1];
  const rollback = async () => {
    setBusy(true);
    try {
      await rollbackFunction(name);
      setError(undefined);
      props.onChange();
    } catch (e) {
      setError(String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel">
      <div class="panel-head">
        <h2>Versions</h2>
        <button
          type="button"
          class="button"
          data-testid="rollback"
          disabled={!previous || busy}
          title={previous ? undefined : 'There is no earlier version'}
          onClick={() => void rollback()}
        >
          {previous ? `Roll back to ${shortVersion(previous.version)}` : 'Roll back'}
        </button>
      </div>
      {error && (
        <p class="banner banner-error" role="alert">
          {error}
        </p>
      )}
      <table class="objects">
        <thead>
          <tr>
            <th>Version</th>
            <th>Deployed</th>
            <th>File</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr data-testid="version-row" data-version={v.version} data-current={String(v.current)}>
              <td data-label="Version">
                <code title={v.version}>{shortVersion(v.version)}</code>
              </td>
              <td data-label="Deployed" title={v.createdAt}>
                {timeAgo(v.createdAt)}
              </td>
              <td data-label="File">{v.file ?? '—'}</td>
              <td data-label="">{v.current && <span class="badge badge-enabled">current</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
