import { request } from 'node:http';

export interface SseEvent {
  event: string;
  data: string;
  /** `performance.now()` when the event's last line arrived. */
  at: number;
}

/** Opens an SSE stream and collects its events as they arrive. */
export async function openEventStream(
  url: string,
): Promise<{ events: SseEvent[]; next(): Promise<SseEvent>; close(): void }> {
  const events: SseEvent[] = [];
  const waiters: ((event: SseEvent) => void)[] = [];
  let consumed = 0;
  const req = request(url);
  const response = await new Promise<import('node:http').IncomingMessage>((done, fail) => {
    req.once('response', done).once('error', fail).end();
  });
  if (response.statusCode !== 200) throw new Error(`event stream answered ${response.statusCode}`);
  let buffer = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = { event: 'message', data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) fields.event = line.slice(7);
        else if (line.startsWith('data: ')) fields.data += line.slice(6);
      }
      if (block.startsWith(':') || (!fields.data && fields.event === 'message')) continue;
      const event = { ...fields, at: performance.now() };
      events.push(event);
      waiters.shift()?.(event);
    }
  });
  response.on('error', () => undefined);
  return {
    events,
    next: () =>
      consumed < events.length
        ? Promise.resolve(events[consumed++]!)
        : new Promise((done) =>
            waiters.push((event) => {
              consumed++;
              done(event);
            }),
          ),
    close: () => req.destroy(),
  };
}
