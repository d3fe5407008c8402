/*
 * Content sniffing in the manner of Go's http.DetectContentType (WHATWG MIME sniffing, reduced to
 * the signatures that matter for web responses): used by the contentType middleware.
 */

const HTML_TAGS = [
  '<!DOCTYPE HTML',
  '<HTML',
  '<HEAD',
  '<SCRIPT',
  '<IFRAME',
  '<H1',
  '<DIV',
  '<FONT',
  '<TABLE',
  '<A',
  '<STYLE',
  '<TITLE',
  '<B',
  '<BODY',
  '<BR',
  '<P',
  '<!--',
];

const MAGIC: [string | number[], string][] = [
  ['%PDF-', 'application/pdf'],
  ['%!PS-Adobe-', 'application/postscript'],
  ['GIF87a', 'image/gif'],
  ['GIF89a', 'image/gif'],
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'image/png'],
  [[0xff, 0xd8, 0xff], 'image/jpeg'],
  ['BM', 'image/bmp'],
  [[0x00, 0x00, 0x01, 0x00], 'image/x-icon'],
  [[0x1f, 0x8b, 0x08], 'application/x-gzip'],
  ['PK\x03\x04', 'application/zip'],
  [[0x00, 0x61, 0x73, 0x6d], 'application/wasm'],
  [[0xef, 0xbb, 0xbf], 'text/plain; charset=utf-8'],
  [[0xfe, 0xff], 'text/plain; charset=utf-16be'],
  [[0xff, 0xfe], 'text/plain; charset=utf-16le'],
];

function startsWith(data: Buffer, signature: string | number[]): boolean {
  const bytes = typeof signature === 'string' ? Buffer.from(signature, 'latin1') : Buffer.from(signature);
  return data.length >= bytes.length && data.subarray(0, bytes.length).equals(bytes);
}

/** Bytes that never appear in text (control characters other than tab, newlines, form feed, escape). */
function isBinary(byte: number): boolean {
  return byte <= 0x08 || byte === 0x0b || (byte >= 0x0e && byte <= 0x1a) || (byte >= 0x1c && byte <= 0x1f);
}

/** The media type of a response from its first bytes (at most 512 are looked at). */
export function sniffContentType(chunk: Buffer): string {
  const data = chunk.subarray(0, 512);
  const text = data.toString('latin1').replace(/^[\t\n\f\r ]+/, '');
  const upper = text.slice(0, 16).toUpperCase();
  for (const tag of HTML_TAGS) {
    const next = text.charAt(tag.length);
    if (upper.startsWith(tag) && (next === ' ' || next === '>')) return 'text/html; charset=utf-8';
  }
  if (text.startsWith('<?xml')) return 'text/xml; charset=utf-8';
  for (const [signature, type] of MAGIC) if (startsWith(data, signature)) return type;
  if (data.length >= 12 && startsWith(data, 'RIFF') && data.toString('latin1', 8, 14) === 'WEBPVP') return 'image/webp';
  return data.some(isBinary) ? 'application/octet-stream' : 'text/plain; charset=utf-8';
}
