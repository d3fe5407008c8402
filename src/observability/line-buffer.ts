/**
 * Bytes of access-log lines waiting to be written, encoded as they are formatted. Building each
 * line as a string cost more than formatting it: the appended pieces form a rope that V8 must
 * flatten and then encode to UTF-8 at write time, and all of it is garbage a moment later. Here
 * names, numbers and most paths are copied byte by byte into one reusable buffer.
 */
export class LineBuffer {
  // A plain Uint8Array, not a Buffer: V8 copies between plain typed arrays (`set`) several times
  // faster, and every encoded piece is one too.
  private bytes: Uint8Array;
  /** How many bytes are filled. */
  length = 0;

  constructor(initialCapacity = 64 * 1024) {
    this.bytes = new Uint8Array(initialCapacity);
  }

  /** The filled part; valid until the next write or `clear()`. */
  get filled(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }

  /** Bytes encoded once up front (field names, repeated values). */
  encoded(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Text as it is, in UTF-8. */
  text(value: string): void {
    const count = value.length;
    this.reserve(count * 3);
    const bytes = this.bytes;
    const start = this.length;
    for (let i = 0; i < count; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) {
        this.length = start + UTF8.encodeInto(value, bytes.subarray(start)).written;
        return;
      }
      bytes[start + i] = code;
    }
    this.length = start + count;
  }

  /** A JSON string literal: quoted, and escaped where JSON requires it. */
  jsonString(value: string): void {
    const count = value.length;
    this.reserve(count + 2);
    const bytes = this.bytes;
    const start = this.length;
    bytes[start] = QUOTE;
    for (let i = 0; i < count; i++) {
      const code = value.charCodeAt(i);
      // Rare in names and paths: control characters, quotes, backslashes and non-ASCII text.
      if (code < 0x20 || code === QUOTE || code === BACKSLASH || code >= 0x80) {
        this.text(JSON.stringify(value));
        return;
      }
      bytes[start + 1 + i] = code;
    }
    bytes[start + 1 + count] = QUOTE;
    this.length = start + count + 2;
  }

  /** A number in decimal, as `String(value)` writes it. */
  number(value: number): void {
    if (!(value >= 0 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value))) {
      this.text(String(value));
      return;
    }
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    this.reserve(digits);
    const bytes = this.bytes;
    let at = this.length + digits;
    this.length = at;
    let rest = value;
    do {
      const next = Math.floor(rest / 10);
      bytes[--at] = ZERO + (rest - next * 10);
      rest = next;
    } while (rest > 0);
  }

  /** A number below 10^width, zero-padded to `width` digits. */
  paddedNumber(value: number, width: number): void {
    this.reserve(width);
    const bytes = this.bytes;
    let rest = value;
    for (let at = this.length + width - 1; at >= this.length; at--) {
      const next = Math.floor(rest / 10);
      bytes[at] = ZERO + (rest - next * 10);
      rest = next;
    }
    this.length += width;
  }

  private reserve(count: number): void {
    if (this.length + count <= this.bytes.length) return;
    const larger = new Uint8Array(Math.max(this.bytes.length * 2, this.length + count));
    larger.set(this.bytes.subarray(0, this.length));
    this.bytes = larger;
  }
}

const UTF8 = new TextEncoder();
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ZERO = 0x30;

/** UTF-8 bytes of a text that is written often. */
export const encode = (text: string): Uint8Array => UTF8.encode(text);
