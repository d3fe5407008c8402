import { closeSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FinishedRequest, LineFormatter } from './access-log-format.js';
import { openAppendFile } from './append-file.js';
import { LineBuffer } from './line-buffer.js';
import { logger } from './logger.js';

/** Where access-log lines go: gathered, formatted and written in batches. */
export interface LineWriter {
  add(line: FinishedRequest): void;
  /** Writes out what is gathered, then reopens the file (after logrotate moved it). */
  reopen(): void;
  /** Writes out what is gathered and closes the file. */
  close(): Promise<void>;
}

/**
 * Finished requests wait, up to this many, and are formatted one after another: formatting a
 * line as its request ends ran with cold caches and cost about twice as much CPU as formatting a
 * batch back to back (see docs/observability.md). In paired runs at saturation, batches of 256
 * cost 2% less throughput than batches of 64, and 1% less than batches of 1,024. Waiting keeps
 * those requests' objects alive a little longer (~15 ms at saturation).
 */
const MAX_WAITING = 256;

/** A quiet proxy's log trails by at most this. */
const FLUSH_INTERVAL_MS = 200;

/**
 * Without `bufferingSize`, lines are written to a file once this many bytes are gathered (or
 * every FLUSH_INTERVAL_MS). Inside a busy proxy a write costs mostly a fixed price, the kernel's
 * file path run with cold caches: about 1.4 µs a line when writing every 64 lines (40 KiB), 0.3 µs
 * every 1,000 (640 KiB). In paired runs at saturation, 512 KiB writes cost 5% less throughput
 * than 40 KiB ones; 256 KiB and 2 MiB about 2% more than 512 KiB.
 */
const FILE_WRITE_BYTES = 512 * 1024;

/**
 * Standard output is often a pipe (a container's log driver), which node writes synchronously:
 * a write larger than the pipe's 64 KiB buffer would wait for the reader to drain it.
 */
const STDOUT_WRITE_BYTES = 64 * 1024;

/**
 * Batches are written synchronously, as pino's destinations do by default: a 16 KiB write to a
 * file costs ~8 µs of CPU, against ~28 µs through the libuv thread pool (measured here), and it
 * lands in the page cache without waiting for the disk. Standard output goes through
 * `process.stdout`, which node also writes synchronously to files, terminals and pipes on Linux.
 * What is gathered is written out when the process exits, even without `close()`.
 */
export function createLineWriter(
  filePath: string | undefined,
  baseDir: string,
  format: LineFormatter,
  bufferingSize = 0,
): LineWriter {
  const sink = filePath ? fileSink(resolve(baseDir, filePath)) : stdoutSink();
  const writeBytes = filePath ? FILE_WRITE_BYTES : STDOUT_WRITE_BYTES;
  const buffer = new LineBuffer();
  const waiting: FinishedRequest[] = [];
  let formatted = 0;
  const formatWaiting = (): void => {
    let failure: unknown;
    for (const line of waiting) {
      const lineStart = buffer.length;
      try {
        format(line, buffer);
        formatted++;
      } catch (error) {
        // A formatting bug must cost its line, never the proxy or the other lines.
        buffer.length = lineStart;
        failure = error;
      }
    }
    waiting.length = 0;
    if (failure) logger.error({ err: failure }, 'cannot format an access-log line; it is dropped');
  };
  const writeGathered = (): void => {
    formatWaiting();
    if (buffer.length === 0) return;
    sink.write(buffer.filled);
    buffer.clear();
    formatted = 0;
  };
  const flusher = setInterval(writeGathered, FLUSH_INTERVAL_MS).unref();
  process.on('exit', writeGathered);
  return {
    add(line) {
      const count = waiting.push(line);
      if (bufferingSize > 0 && count + formatted >= bufferingSize) {
        writeGathered();
      } else if (count >= MAX_WAITING) {
        formatWaiting();
        if (bufferingSize === 0 && buffer.length >= writeBytes) writeGathered();
      }
    },
    reopen() {
      writeGathered();
      sink.reopen();
    },
    async close() {
      clearInterval(flusher);
      process.off('exit', writeGathered);
      writeGathered();
      sink.close();
    },
  };
}

interface Sink {
  /** Writes the bytes before returning, or copies them: the caller reuses the buffer. */
  write(bytes: Uint8Array): void;
  reopen(): void;
  close(): void;
}

function fileSink(path: string): Sink {
  let fd = openAppendFile(path, 'access log', 'accessLog.filePath');
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
    reopen() {
      try {
        const reopened = openAppendFile(path, 'access log', 'accessLog.filePath');
        closeSync(fd);
        fd = reopened;
      } catch (error) {
        // Keep writing where we were rather than lose lines.
        logger.error({ err: error, path }, 'cannot reopen the access log; still writing to the old file');
      }
    },
    close: () => closeSync(fd),
  };
}

function stdoutSink(): Sink {
  return {
    write: (bytes) => void process.stdout.write(Buffer.from(bytes)),
    reopen: () => undefined,
    close: () => undefined,
  };
}
