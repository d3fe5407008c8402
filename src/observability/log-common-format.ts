/** zerolog's console level names, which Traefik v3 prints in its `common` log format. */
const LEVEL_NAMES: Record<number, string> = { 10: 'TRC', 20: 'DBG', 30: 'INF', 40: 'WRN', 50: 'ERR', 60: 'FTL' };

/**
 * One pino JSON line as Traefik's `common` log text: `time LVL message key=value…`. Logs are
 * few (not per request), so parsing each line back is affordable.
 */
export function commonLogLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, time, msg, ...fields } = record;
  let text = `${new Date(Number(time)).toISOString()} ${LEVEL_NAMES[Number(level)] ?? String(level)}`;
  if (msg !== undefined && msg !== '') text += ` ${String(msg)}`;
  for (const [key, value] of Object.entries(fields)) text += ` ${key}=${fieldText(key, value)}`;
  return `${text}\n`;
}

function fieldText(key: string, value: unknown): string {
  // An error is its message, as zerolog writes `error=…`; its stack stays in the JSON format.
  if (key === 'err' && value && typeof value === 'object' && 'message' in value) {
    return JSON.stringify(String(value.message));
  }
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}
