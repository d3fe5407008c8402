import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { constants, createBrotliCompress, createGzip, type BrotliCompress, type Gzip } from 'node:zlib';
import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { onResponseHeaders } from '../runtime/context.js';
import { EncodingChooser } from './accept-encoding.js';
import { defineMiddleware } from './define.js';
import { integer, stringList } from './options.js';
import { requestHeader } from './request-tools.js';
import { patchResponse } from './response-patch.js';

const DEFAULT_MIN_BYTES = 1024;
/** zstd is in Traefik's default list, but Node 20's zlib cannot produce it: it is skipped. */
const AVAILABLE = new Set(['gzip', 'br']);
const KNOWN = new Set(['gzip', 'br', 'zstd']);
const MEDIA_TYPE = /^[\w.+-]+\/[\w.+*-]+$/;

const schema = z.strictObject({
  excludedContentTypes: stringList.default([]),
  includedContentTypes: stringList.default([]),
  minResponseBodyBytes: integer.default(DEFAULT_MIN_BYTES),
  encodings: stringList.default(['gzip', 'br', 'zstd']),
  defaultEncoding: z.string().default(''),
});

function mediaTypes(list: string[], key: string): Set<string> {
  return new Set(
    list.map((value, i) => {
      const type = value.split(';')[0]!.trim().toLowerCase();
      if (!MEDIA_TYPE.test(type))
        throw new ConfigError(`"${value}" is not a media type like "text/html"`, `${key}[${i}]`);
      return type;
    }),
  );
}

function headerText(value: OutgoingHttpHeaders[string]): string {
  return value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value);
}

function createCompressor(encoding: string): Gzip | BrotliCompress {
  // Brotli's default quality (11) costs far too much CPU for on-the-fly compression.
  return encoding === 'br' ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : createGzip();
}

/**
 * Sends the response body through `compressor`: the transport keeps calling write/end and
 * waiting for 'drain' on the response as usual. What arrives within one event-loop turn is
 * flushed together, so streamed responses (server-sent events…) are not held back.
 */
function compressBody(res: ServerResponse, compressor: Gzip | BrotliCompress): void {
  let flushScheduled = false;
  const toBuffer = (chunk: unknown, encoding: unknown): Buffer =>
    typeof chunk === 'string'
      ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
      : Buffer.from(chunk as Uint8Array);
  patchResponse(res, (previous) => {
    compressor.on('data', (chunk: Buffer) => {
      if (!previous.write(chunk)) {
        compressor.pause();
        res.once('drain', () => compressor.resume());
      }
    });
    compressor.once('end', () => previous.end());
    return {
      write: (chunk, encoding) => {
        const accepted = compressor.write(toBuffer(chunk, encoding));
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(() => {
            flushScheduled = false;
            if (!compressor.destroyed && !compressor.writableEnded) compressor.flush();
          });
        }
        return accepted;
      },
      end: (chunk, encoding) => {
        if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
          compressor.write(toBuffer(chunk, encoding));
        }
        compressor.end();
        return res;
      },
    };
  });
  compressor.once('error', () => res.destroy());
  compressor.on('drain', () => res.emit('drain'));
  res.once('close', () => compressor.destroy());
}

/**
 * `compress`: gzip or brotli for clients that accept it. Responses already encoded, of an
 * excluded (or not included) type, or declaring a Content-Length below `minResponseBodyBytes`
 * go through untouched. A response of unknown length is compressed whatever its size.
 */
export const compress = defineMiddleware(schema, (options, deps) => {
  if (options.excludedContentTypes.length > 0 && options.includedContentTypes.length > 0) {
    throw new ConfigError(
      'cannot be combined with includedContentTypes; keep one of the two lists',
      'excludedContentTypes',
    );
  }
  const excluded = mediaTypes(['application/grpc', ...options.excludedContentTypes], 'excludedContentTypes');
  const included = mediaTypes(options.includedContentTypes, 'includedContentTypes');
  const minBytes = options.minResponseBodyBytes > 0 ? options.minResponseBodyBytes : DEFAULT_MIN_BYTES;
  options.encodings.forEach((encoding, i) => {
    if (!KNOWN.has(encoding)) throw new ConfigError(`"${encoding}" is not one of gzip, br, zstd`, `encodings[${i}]`);
  });
  const encodings = options.encodings.filter((encoding) => AVAILABLE.has(encoding));
  if (encodings.length === 0) {
    throw new ConfigError('needs gzip or br (zstd is not available on Node 20)', 'encodings');
  }
  if (encodings.length < options.encodings.length) {
    deps.log.warn({ middleware: deps.name }, 'compress: zstd is not available on Node 20 and is skipped');
  }
  const { defaultEncoding } = options;
  if (defaultEncoding !== '' && !options.encodings.includes(defaultEncoding)) {
    throw new ConfigError(`"${defaultEncoding}" must be one of the encodings`, 'defaultEncoding');
  }
  const chooser = new EncodingChooser(encodings, AVAILABLE.has(defaultEncoding) ? defaultEncoding : '');

  const compressible = (status: number, headers: OutgoingHttpHeaders): boolean => {
    if (status < 200 || status === 204 || status === 304 || headers['content-encoding'] !== undefined) return false;
    const length = headers['content-length'];
    if (length !== undefined && Number(length) < minBytes) return false;
    const type = headerText(headers['content-type']).split(';')[0]!.trim().toLowerCase();
    if (type === '') return true;
    return included.size > 0 ? included.has(type) : !excluded.has(type);
  };

  return (next) => (ctx) => {
    if (ctx.req.method === 'HEAD' || ctx.upgrade) return next(ctx);
    const requestType = requestHeader(ctx, 'content-type').split(';')[0]!.trim().toLowerCase();
    if (excluded.has(requestType)) return next(ctx);
    const encoding = chooser.choose(ctx.req.headers['accept-encoding']);
    if (!encoding) return next(ctx);
    onResponseHeaders(ctx, (status, headers) => {
      const vary = headerText(headers.vary);
      headers.vary = vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding';
      if (!compressible(status, headers)) return;
      delete headers['content-length'];
      headers['content-encoding'] = encoding;
      compressBody(ctx.res, createCompressor(encoding));
    });
    return next(ctx);
  };
});
