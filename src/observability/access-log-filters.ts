import { parseDuration } from '../config/duration.js';
import type { StaticConfig } from '../config/static/types.js';
import { StatusRanges } from '../middlewares/status-ranges.js';

type FiltersConfig = NonNullable<NonNullable<StaticConfig['accessLog']>['filters']>;

/** Whether a finished request gets a line; `durationNs` is its whole duration. */
export type LineFilter = (status: number, retryAttempts: number, durationNs: number) => boolean;

/**
 * Traefik's `accessLog.filters`: a line is written when its status is in `statusCodes`, or it was
 * retried (`retryAttempts`), or it took longer than `minDuration` — any one is enough. Without
 * filters, or with none set, every request is written (undefined is returned then).
 */
export function lineFilter(filters: FiltersConfig | undefined): LineFilter | undefined {
  if (!filters) return undefined;
  const statuses =
    filters.statusCodes && filters.statusCodes.length > 0
      ? new StatusRanges(filters.statusCodes, 'accessLog.filters.statusCodes')
      : undefined;
  const retried = filters.retryAttempts === true;
  const minDurationNs =
    filters.minDuration === undefined ? 0 : parseDuration(filters.minDuration, 'accessLog.filters.minDuration') * 1e6;
  if (!statuses && !retried && minDurationNs === 0) return undefined;
  return (status, retryAttempts, durationNs) =>
    (statuses?.has(status) ?? false) ||
    (retried && retryAttempts > 0) ||
    (minDurationNs > 0 && durationNs > minDurationNs);
}
