import { pino, type Logger } from 'pino';

/** Maps Traefik's level names onto pino's. */
const LEVELS: Record<string, string> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
  FATAL: 'fatal',
  PANIC: 'fatal',
};

/** The process-wide structured logger. JSON lines on stderr, so stdout stays free for access logs. */
export const logger: Logger = pino(
  { level: process.env.PORTIER_LOG_LEVEL ?? 'info', base: undefined },
  pino.destination({ dest: 2, sync: false }),
);

export function setLogLevel(level: string | undefined): void {
  if (level) logger.level = LEVELS[level.toUpperCase()] ?? level.toLowerCase();
}
