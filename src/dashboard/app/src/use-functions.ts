import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { listFunctions, type FunctionEvent, type FunctionItem } from './functions-api.js';
import { onLiveEvents } from './live-events.js';

/** Counts and p50 change with every call, not with events: they are polled this often. */
const POLL_MS = 3000;

export interface FunctionsState {
  functions?: FunctionItem[];
  error?: string;
  lastEvent?: FunctionEvent;
  /** Fetches the list now (after this page's own deploy, rollback or removal). */
  refresh: () => void;
}

/**
 * The deployed functions with their activity. A deploy, rollback or removal (from this page, the
 * CLI or another instance) arrives as an `event: function` on `/api/events` and refetches the
 * list at once; a reconnect refetches too, in case events were missed.
 */
export function useFunctions(): FunctionsState {
  const [functions, setFunctions] = useState<FunctionItem[]>();
  const [error, setError] = useState<string>();
  const [lastEvent, setLastEvent] = useState<FunctionEvent>();
  const generation = useRef(0);

  const refresh = useCallback(() => {
    // An older answer arriving after a newer one must not undo it.
    const mine = ++generation.current;
    listFunctions()
      .then((next) => {
        if (mine !== generation.current) return;
        setFunctions(next);
        setError(undefined);
      })
      .catch((e: unknown) => mine === generation.current && setError(String(e)));
  }, []);

  useEffect(() => {
    const stopHello = onLiveEvents(['hello'], refresh);
    const stopChanges = onLiveEvents(['function'], (message) => {
      setLastEvent(JSON.parse(message.data) as FunctionEvent);
      refresh();
    });
    refresh();
    // A hidden tab has no one to show the counts to; events still refresh it.
    const timer = window.setInterval(() => !document.hidden && refresh(), POLL_MS);
    return () => {
      stopHello();
      stopChanges();
      window.clearInterval(timer);
    };
  }, [refresh]);

  return { functions, error, lastEvent, refresh };
}

/** Deploy failures first, then crashing functions, then the rest by name. */
export function attentionFirst(items: FunctionItem[]): FunctionItem[] {
  const rank = { 'deploy-failed': 0, failing: 1, ok: 2 } as const;
  return [...items].sort((a, b) => rank[a.activity.state] - rank[b.activity.state] || a.name.localeCompare(b.name));
}
