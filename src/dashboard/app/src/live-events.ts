import { eventsUrl } from './api.js';

let source: EventSource | undefined;

/**
 * The page's one `/api/events` connection, shared by every hook that follows it: browsers allow
 * only six HTTP/1.1 connections per host, and each stream holds one open for good.
 */
export function liveEvents(): EventSource {
  source ??= new EventSource(eventsUrl());
  return source;
}

/** Listens to `types` on the shared stream; returns the function that stops listening. */
export function onLiveEvents(types: string[], listener: (event: MessageEvent<string>) => void): () => void {
  const events = liveEvents();
  const handler = listener as EventListener;
  for (const type of types) events.addEventListener(type, handler);
  return () => {
    for (const type of types) events.removeEventListener(type, handler);
  };
}
