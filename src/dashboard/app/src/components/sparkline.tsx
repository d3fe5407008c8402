import type { SeriesSnapshot } from '../api.js';

/** Requests per second as an area and errors as a red line, over the last minute. */
export function Sparkline({ series, height = 36, label }: { series?: SeriesSnapshot; height?: number; label: string }) {
  const requests = series?.requests ?? [];
  const errors = series?.errors ?? [];
  const width = 120;
  const max = Math.max(1, ...requests);
  const points = (values: number[]) =>
    values
      .map(
        (v, i) =>
          `${((i / Math.max(1, values.length - 1)) * width).toFixed(1)},${(height - (v / max) * (height - 2) - 1).toFixed(1)}`,
      )
      .join(' ');
  const total = requests.reduce((a, b) => a + b, 0);
  const failed = errors.reduce((a, b) => a + b, 0);
  return (
    <svg
      class="sparkline"
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`${label}: ${total} requests, ${failed} errors in the last minute`}
    >
      {requests.length > 1 && (
        <polygon class="spark-area" points={`0,${height} ${points(requests)} ${width},${height}`} />
      )}
      {requests.length > 1 && <polyline class="spark-line" points={points(requests)} />}
      {failed > 0 && <polyline class="spark-errors" points={points(errors)} />}
    </svg>
  );
}

/** Requests per second over the last `seconds` complete seconds. */
export function ratePerSecond(series: SeriesSnapshot | undefined, seconds = 5): number {
  const recent = series?.requests.slice(-seconds) ?? [];
  return recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : 0;
}

export function formatRate(rate: number): string {
  return rate >= 100 ? rate.toFixed(0) : rate >= 10 ? rate.toFixed(1) : rate.toFixed(2);
}
