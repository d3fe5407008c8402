import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../config/errors.js';
import { LineBuffer } from './line-buffer.js';
import { logger } from './logger.js';

/** Where access-log lines go: formatted straight into a buffer, written out in batches. */
export interface LineWriter {
  /** The buffer the next line is formatted into; call `lineEnded()` once it is. */
  readonly buffer: LineBuffer;
  lineEnded(): void;
  /** Writes out what is gathered and closes the file. */
  close(): Promise<void>;
}

/**
 * Lines leave in batches of about this many bytes (or `bufferingSize` lines, if fewer): one
 * write per line cost more than formatting it. A quiet proxy's log trails by at most
 * FLUSH_INTERVAL_MS.
 */
const BATCH_BYTES = 16 * 1024;
const FLUSH_INTERVAL_MS = 200;

/**
 * Batches are written synchronously, as pino's destinations do by default: a 16 KiB write to a
 * file costs ~8 µs of CPU, against ~28 µs through the libuv thread pool (measured here), and it
 * lands in the page cache without waiting for the disk. Standard output goes through
 * `process.stdout`, which node also writes synchronously to files, terminals and pipes on Linux.
 * What is gathered is written out when the process exits, even without `close()`.
 */
export function createLineWriter(filePath: string | undefined, baseDir: string, bufferingSize = 0): LineWriter {
  const sink = filePath ? fileSink(resolve(baseDir, filePath)) : stdoutSink();
  const batchLines = bufferingSize > 0 ? bufferingSize : Infinity;
  const buffer = new LineBuffer();
  let pendingLines = 0;
  const writePending = (): void => {
    if (buffer.length === 0) return;
    sink.write(buffer.filled);
    buffer.clear();
    pendingLines = 0;
  };
  const flusher = setInterval(writePending, FLUSH_INTERVAL_MS).unref();
  process.on('exit', writePending);
  return {
    buffer,
    lineEnded() {
      if (++pendingLines >= batchLines || buffer.length >= BATCH_BYTES) writePending();
    },
    async close() {
      clearInterval(flusher);
      process.off('exit', writePending);
      writePending();
      sink.close();
    },
  };
}

interface Sink {
  /** Writes the bytes before returning, or copies them: the caller reuses the buffer. */
  write(bytes: Uint8Array): void;
  close(): void;
}

function fileSink(path: string): Sink {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'a');
  } catch (error) {
    throw new ConfigError(
      `cannot open the access log file "${path}" (${(error as Error).message}); point accessLog.filePath at a writable file`,
      'accessLog.filePath',
    );
  }
  let failing = false;
  return {
    write(bytes) {
      try {
        for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
        failing = false;
      } catch (error) {
        // A full disk must not stop the proxy: the batch is lost, and said so once per outage.
        if (!failing) logger.error({ err: error, path }, 'cannot write the access log; lines are dropped');
        failing = true;
      }
    },
    close: () => closeSync(fd),
  };
}

function stdoutSink(): Sink {
  return { write: (bytes) => void process.stdout.write(Buffer.from(bytes)), close: () => undefined };
}
