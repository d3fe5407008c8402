import { useEffect, useRef, useState } from 'preact/hooks';
import { loadRuntime, loadStats, type LiveStatsSnapshot, type Runtime, type RuntimeEvent } from './api.js';
import { liveEvents, onLiveEvents } from './live-events.js';

export type Connection = 'connecting' | 'live' | 'offline';

/** Reloads that arrive together (a burst of container events) are fetched once. */
const COALESCE_MS = 30;

/**
 * The runtime as the API shows it, kept current by `/api/events`: every `config` or `server`
 * event triggers one refetch, so the page never needs a reload. EventSource reconnects by itself;
 * after a reconnect everything is fetched again in case events were missed.
 */
export function useRuntime(): { runtime?: Runtime; error?: string; connection: Connection; lastEvent?: RuntimeEvent } {
  const [runtime, setRuntime] = useState<Runtime>();
  const [error, setError] = useState<string>();
  const [connection, setConnection] = useState<Connection>('connecting');
  const [lastEvent, setLastEvent] = useState<RuntimeEvent>();
  const pending = useRef<number | undefined>(undefined);

  useEffect(() => {
    let stopped = false;
    const refresh = () => {
      window.clearTimeout(pending.current);
      pending.current = window.setTimeout(() => {
        loadRuntime()
          .then((next) => {
            if (stopped) return;
            setRuntime(next);
            setError(undefined);
          })
          .catch((e: unknown) => !stopped && setError(String(e)));
      }, COALESCE_MS);
    };
    const source = liveEvents();
    const stopHello = onLiveEvents(['hello'], () => {
      setConnection('live');
      refresh();
    });
    const stopChanges = onLiveEvents(['config', 'server'], (message) => {
      setLastEvent(JSON.parse(message.data) as RuntimeEvent);
      refresh();
    });
    const onError = () => setConnection(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    source.addEventListener('error', onError);
    refresh();
    return () => {
      stopped = true;
      stopHello();
      stopChanges();
      source.removeEventListener('error', onError);
      window.clearTimeout(pending.current);
    };
  }, []);

  return { runtime, error, connection, lastEvent };
}

const STATS_INTERVAL_MS = 2000;

/** The live request counters, polled: they change every second whether or not the config does. */
export function useStats(): LiveStatsSnapshot | undefined {
  const [stats, setStats] = useState<LiveStatsSnapshot>();
  useEffect(() => {
    let stopped = false;
    const poll = () =>
      loadStats()
        .then((next) => !stopped && setStats(next))
        .catch(() => undefined);
    void poll();
    const timer = window.setInterval(() => void poll(), STATS_INTERVAL_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, []);
  return stats;
}
