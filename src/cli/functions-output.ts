/** How `portier functions` prints deploy results, errors, lists and invocation records. */
import type { InvocationRecord } from '../functions/index.js';

/** Writes a function's response body as is (it may be binary); tests replace it to capture it. */
export const bodyOutput = {
  write: (body: Uint8Array): void => {
    process.stdout.write(body);
  },
};

export function shortVersion(version: unknown): string {
  return typeof version === 'string' ? version.slice(0, 12) : '-';
}

/** A compile error as `file:line:col: message`, the offending line and a caret under the column. */
export function formatApiError(body: Record<string, unknown>): string {
  if (body.error === 'compile') {
    const column = Number(body.column ?? 1);
    const text = typeof body.lineText === 'string' ? body.lineText : '';
    return `${String(body.message)}\n    ${text}\n    ${' '.repeat(Math.max(0, column - 1))}^`;
  }
  const logs = Array.isArray(body.logs) && body.logs.length ? `\n  ${body.logs.join('\n  ')}` : '';
  return `${String(body.error ?? JSON.stringify(body))}${logs}`;
}

export function formatTable(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatRecord(r: InvocationRecord): string {
  const timing = r.cold ? `cold, init ${r.initMs} ms, run ${r.runMs} ms` : `warm, run ${r.runMs} ms`;
  const params = Object.keys(r.params).length ? ` ${JSON.stringify(r.params)}` : '';
  const lines = [
    `${r.time}  ${r.requestId}  ${shortVersion(r.version)}  ${r.status} ${r.outcome}  (${timing})${params}`,
  ];
  for (const line of r.logs) lines.push(`    ${line}`);
  if (r.error && r.outcome !== 'error') lines.push(`    ! ${r.error.split('\n')[0]}`);
  return lines.join('\n');
}
