/** Versions are SHA-256 hex ids: twelve characters tell them apart, as git's short hashes do. */
export function shortVersion(version: string): string {
  return version.slice(0, 12);
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

/** "12 s ago", "5 min ago", "3 h ago", then the date: precise enough to tell deploys apart. */
export function timeAgo(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

/** A thrown error's first line: the message, without the stack the invocation log also keeps. */
export function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}
