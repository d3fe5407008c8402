import { useEffect, useRef, useState } from 'preact/hooks';
import { formatMs, shortVersion } from '../format.js';
import { deployFunction, type DeployRefusal, type DeployResult } from '../functions-api.js';

/** Offset in `text` of a 1-based line and column, as the compiler reports them. */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const end = text.indexOf('\n', offset);
    if (end < 0) return text.length;
    offset = end + 1;
  }
  return Math.min(text.length, offset + Math.max(0, column - 1));
}

function caretPosition(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

function RefusalNote({
  refusal,
  onLocate,
}: {
  refusal: DeployRefusal;
  onLocate: (line: number, column: number) => void;
}) {
  return (
    <div class="deploy-error" role="alert" data-testid="deploy-error">
      <strong>Not deployed: nothing changed.</strong>
      {refusal.line !== undefined && (
        <button
          type="button"
          class="link-button"
          data-testid="deploy-error-location"
          onClick={() => onLocate(refusal.line!, refusal.column ?? 1)}
        >
          line {refusal.line}:{refusal.column}
        </button>
      )}
      <div class="deploy-error-message">{refusal.message}</div>
      {refusal.lineText !== undefined && (
        <pre class="deploy-error-line">
          {refusal.lineText}
          {'\n'}
          {' '.repeat(Math.max(0, (refusal.column ?? 1) - 1))}^
        </pre>
      )}
      {refusal.logs?.length ? <pre class="deploy-error-line">{refusal.logs.join('\n')}</pre> : null}
    </div>
  );
}

/**
 * A plain textarea: deploys are one small file, so a code editor library would cost more than it
 * gives. Tab indents, Ctrl/⌘+Enter deploys, and a compile error's line:column jumps to the spot.
 */
export function FunctionEditor(props: {
  name: string;
  initialSource: string;
  onDeployed: (result: DeployResult) => void;
  /** Checked before deploying; a message stops the deploy (e.g. an invalid new name). */
  validate?: () => string | undefined;
}) {
  const [source, setSource] = useState(props.initialSource);
  // The source the edits started from: when the server's moves on, the edits would replace a version unseen.
  const [base, setBase] = useState(props.initialSource);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<DeployRefusal>();
  const [deployed, setDeployed] = useState<DeployResult>();
  const [caret, setCaret] = useState({ line: 1, column: 1 });
  const area = useRef<HTMLTextAreaElement>(null);

  // A deploy from elsewhere shows up here, unless it would overwrite unsaved edits.
  useEffect(() => {
    if (dirty) return;
    setSource(props.initialSource);
    setBase(props.initialSource);
  }, [props.initialSource]);
  const overtaken = dirty && props.initialSource !== base;

  const locate = (line: number, column: number) => {
    const textarea = area.current;
    if (!textarea) return;
    const offset = offsetOf(textarea.value, line, column);
    textarea.focus();
    textarea.setSelectionRange(offset, offset);
    setCaret({ line, column });
  };

  const deploy = async () => {
    const problem = props.validate?.();
    if (problem) {
      setRefusal({ message: problem });
      return;
    }
    setBusy(true);
    setDeployed(undefined);
    try {
      const outcome = await deployFunction(props.name, source);
      if ('refused' in outcome) setRefusal(outcome.refused);
      else {
        setRefusal(undefined);
        setDirty(false);
        setBase(source);
        setDeployed(outcome.deployed);
        props.onDeployed(outcome.deployed);
      }
    } catch (error) {
      setRefusal({ message: `the API could not be reached: ${String(error)}` });
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const textarea = event.currentTarget as HTMLTextAreaElement;
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void deploy();
    } else if (event.key === 'Tab' && !event.shiftKey) {
      event.preventDefault();
      textarea.setRangeText('  ', textarea.selectionStart, textarea.selectionEnd, 'end');
      setSource(textarea.value);
      setDirty(true);
    }
  };
  const trackCaret = (event: Event) => {
    const textarea = event.currentTarget as HTMLTextAreaElement;
    setCaret(caretPosition(textarea.value, textarea.selectionStart));
  };

  return (
    <div class="editor-layout">
      <div class="editor">
        <textarea
          ref={area}
          class="code-input"
          data-testid="function-source"
          aria-label="Function source"
          spellcheck={false}
          autocapitalize="off"
          autocomplete="off"
          rows={Math.min(28, Math.max(10, source.split('\n').length + 2))}
          value={source}
          onInput={(e) => {
            setSource(e.currentTarget.value);
            setDirty(true);
            trackCaret(e);
          }}
          onKeyDown={onKeyDown}
          onKeyUp={trackCaret}
          onClick={trackCaret}
        />
        <div class="editor-bar">
          <button
            type="button"
            class="button button-primary"
            data-testid="deploy"
            disabled={busy}
            onClick={() => void deploy()}
          >
            {busy ? 'Deploying…' : 'Deploy'}
          </button>
          <span class="muted">
            line {caret.line}:{caret.column} · TypeScript or JavaScript · Ctrl+Enter deploys
          </span>
        </div>
      </div>
      <div class="editor-side">
        {overtaken && (
          <p class="banner banner-warning" data-testid="editor-overtaken">
            Another version was deployed while you were editing. Deploy replaces it with your text.
          </p>
        )}
        {refusal && <RefusalNote refusal={refusal} onLocate={locate} />}
        {!refusal && deployed && (
          <div class="deploy-ok" role="status" data-testid="deploy-ok">
            {deployed.unchanged
              ? `Unchanged: version ${shortVersion(deployed.version)} already serves.`
              : `Deployed version ${shortVersion(deployed.version)} (compile ${formatMs(deployed.compileMs)}, load ${formatMs(deployed.initMs)}).`}
          </div>
        )}
        {!refusal && !deployed && (
          <p class="muted editor-hint">
            Deploy strips the types (no type-check), test-loads the code, then switches the name to it. A compile or
            load error shows here with its line and column, and nothing changes.
          </p>
        )}
      </div>
    </div>
  );
}
