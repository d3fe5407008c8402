import { encode, type LineBuffer } from './line-buffer.js';

/**
 * Timestamps for the access log. Every line carries one or two, so the part that changes once a
 * second is formatted once a second and only the milliseconds are written per line.
 */

/**
 * A writer of `2006-01-02T15:04:05.000` for times in milliseconds since the epoch; the zone (`Z`)
 * is left to the caller, so that it joins the fixed text after it. Each kind of time (end, start)
 * gets its own writer, so that a request longer than a second does not reformat both.
 */
export function isoMillisWriter(): (out: LineBuffer, ms: number) => void {
  let cachedSecond = -1;
  let prefix = encode('');
  return (out, ms) => {
    const second = Math.floor(ms / 1000);
    if (second !== cachedSecond) {
      cachedSecond = second;
      prefix = encode(new Date(second * 1000).toISOString().slice(0, 20));
    }
    out.encoded(prefix);
    out.paddedNumber(ms - second * 1000, 3);
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

let clfSecond = -1;
let clfText = encode('');

/** `02/Jan/2006:15:04:05 -0700` in local time and UTF-8, for a time in milliseconds since the epoch. */
export function clfTime(ms: number): Uint8Array {
  const second = Math.floor(ms / 1000);
  if (second !== clfSecond) {
    clfSecond = second;
    clfText = encode(formatClf(new Date(second * 1000)));
  }
  return clfText;
}

function formatClf(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  return (
    `${pad(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}:` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}`
  );
}
