import { closeSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { openAppendFile } from './append-file.js';
import { commonLogLine } from './log-common-format.js';

/** Maps Traefik's level names onto pino's. */
const LEVELS: Record<string, string> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
  FATAL: 'fatal',
  PANIC: 'fatal',
};

/**
 * Where log lines go: stderr (so stdout stays free for access logs) until `log.filePath` names a
 * file, as JSON unless `log.format` asks for Traefik's `common` text. The logger exists before
 * the configuration is read, so its output is switched in place.
 */
const output = {
  target: pino.destination({ dest: 2, sync: false }),
  common: false,
  write(line: string): void {
    this.target.write(this.common ? commonLogLine(line) : line);
  },
};

// Lines still buffered when the process exits are written out, as pino does for its own destinations.
process.on('exit', () => {
  try {
    output.target.flushSync();
  } catch {
    // nowhere left to report it
  }
});

/** The process-wide structured logger. */
export const logger: Logger = pino({ level: process.env.PORTIER_LOG_LEVEL ?? 'info', base: undefined }, output);

export function setLogLevel(level: string | undefined): void {
  if (level) logger.level = LEVELS[level.toUpperCase()] ?? level.toLowerCase();
}

let logFile: string | undefined;

/** Applies `log.filePath` (relative to `baseDir`) and `log.format`. */
export function configureLogOutput(config: { filePath?: string; format?: 'json' | 'common' } = {}, baseDir: string) {
  output.common = config.format === 'common';
  if (!config.filePath) return;
  logFile = resolve(baseDir, config.filePath);
  // Opened once up front so that an unwritable path stops the start with an error naming the key.
  closeSync(openAppendFile(logFile, 'log', 'log.filePath'));
  const target = pino.destination({ dest: logFile, append: true, mkdir: true, sync: false });
  // Where a failed reopen is told: the log file itself is what failed.
  target.on('error', (error: Error) =>
    process.stderr.write(`cannot write the log file ${logFile}: ${error.message}\n`),
  );
  output.target = target;
}

/**
 * Reopens `log.filePath`, after logrotate moved it (SIGUSR1, as in Traefik). pino's destination
 * waits for a write in flight before it swaps files, so no line is lost or reordered.
 */
export function reopenLogFile(): void {
  if (logFile) output.target.reopen();
}
