/**
 * RFC 8941 structured field values: the parts HTTP message signatures need (dictionaries, inner
 * lists, parameters and bare items), parsed strictly so that a malformed header is rejected
 * instead of half-read. Also serialises inner lists, which is how `@signature-params` is rebuilt.
 */

export type BareItem = number | string | boolean | Uint8Array | Token;
export type Parameters = Map<string, BareItem>;
export interface Item {
  value: BareItem;
  params: Parameters;
}
export interface InnerList {
  items: Item[];
  params: Parameters;
}
export type Dictionary = Map<string, Item | InnerList>;

/** A token is kept apart from a string: they serialise differently. */
export class Token {
  constructor(readonly text: string) {}
}

export class StructuredFieldError extends Error {
  override readonly name = 'StructuredFieldError';
}

const KEY_START = /[a-z*]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function isInnerList(member: Item | InnerList): member is InnerList {
  return 'items' in member;
}

export function parseDictionary(input: string): Dictionary {
  const parser = new Parser(input);
  const dictionary: Dictionary = new Map();
  parser.skipSpaces();
  if (parser.done()) return dictionary;
  for (;;) {
    const key = parser.key();
    let member: Item | InnerList;
    if (parser.peek() === '=') {
      parser.pos++;
      member = parser.itemOrInnerList();
    } else {
      member = { value: true, params: parser.parameters() };
    }
    dictionary.set(key, member);
    parser.skipOws();
    if (parser.done()) return dictionary;
    parser.expect(',');
    parser.skipOws();
    if (parser.done()) throw new StructuredFieldError('trailing comma in dictionary');
  }
}

export function serializeInnerList(list: InnerList): string {
  return `(${list.items.map(serializeItem).join(' ')})${serializeParameters(list.params)}`;
}

export function serializeItem(item: Item): string {
  return serializeBareItem(item.value) + serializeParameters(item.params);
}

function serializeParameters(params: Parameters): string {
  let out = '';
  for (const [key, value] of params) out += value === true ? `;${key}` : `;${key}=${serializeBareItem(value)}`;
  return out;
}

function serializeBareItem(value: BareItem): string {
  if (typeof value === 'boolean') return value ? '?1' : '?0';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  if (value instanceof Token) return value.text;
  return `:${Buffer.from(value).toString('base64')}:`;
}

class Parser {
  pos = 0;
  constructor(private readonly input: string) {}

  done(): boolean {
    return this.pos >= this.input.length;
  }

  peek(): string {
    return this.input[this.pos] ?? '';
  }

  expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected "${char}"`);
    this.pos++;
  }

  fail(message: string): never {
    throw new StructuredFieldError(`${message} at offset ${this.pos}`);
  }

  skipSpaces(): void {
    while (this.peek() === ' ') this.pos++;
  }

  skipOws(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  key(): string {
    const start = this.pos;
    if (!KEY_START.test(this.peek())) this.fail('expected a key');
    while (!this.done() && KEY_CHAR.test(this.peek())) this.pos++;
    return this.input.slice(start, this.pos);
  }

  itemOrInnerList(): Item | InnerList {
    if (this.peek() === '(') return this.innerList();
    return { value: this.bareItem(), params: this.parameters() };
  }

  innerList(): InnerList {
    this.expect('(');
    const items: Item[] = [];
    for (;;) {
      this.skipSpaces();
      if (this.peek() === ')') {
        this.pos++;
        return { items, params: this.parameters() };
      }
      items.push({ value: this.bareItem(), params: this.parameters() });
      const next = this.peek();
      if (next !== ' ' && next !== ')') this.fail('expected a space or ")" in inner list');
    }
  }

  parameters(): Parameters {
    const params: Parameters = new Map();
    while (this.peek() === ';') {
      this.pos++;
      this.skipSpaces();
      const key = this.key();
      let value: BareItem = true;
      if (this.peek() === '=') {
        this.pos++;
        value = this.bareItem();
      }
      params.set(key, value);
    }
    return params;
  }

  bareItem(): BareItem {
    const c = this.peek();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (c === '"') return this.string();
    if (c === ':') return this.byteSequence();
    if (c === '?') return this.boolean();
    if (/[A-Za-z*]/.test(c)) return this.token();
    return this.fail('expected an item');
  }

  private number(): number {
    const match = /^-?(\d{1,15})(\.\d{1,3})?/.exec(this.input.slice(this.pos, this.pos + 20));
    if (!match || (match[2] && match[1]!.length > 12)) this.fail('invalid number');
    this.pos += match[0].length;
    if (/[0-9.]/.test(this.peek())) this.fail('number too long');
    return Number(match[0]);
  }

  private string(): string {
    this.pos++;
    let out = '';
    for (;;) {
      if (this.done()) this.fail('unterminated string');
      const c = this.input[this.pos++]!;
      if (c === '"') return out;
      if (c === '\\') {
        const escaped = this.input[this.pos++];
        if (escaped !== '"' && escaped !== '\\') this.fail('invalid escape in string');
        out += escaped;
        continue;
      }
      const code = c.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) this.fail('invalid character in string');
      out += c;
    }
  }

  private byteSequence(): Uint8Array {
    this.pos++;
    const end = this.input.indexOf(':', this.pos);
    if (end < 0) this.fail('unterminated byte sequence');
    const text = this.input.slice(this.pos, end);
    if (!BASE64.test(text)) this.fail('invalid base64 in byte sequence');
    this.pos = end + 1;
    return new Uint8Array(Buffer.from(text, 'base64'));
  }

  private boolean(): boolean {
    this.pos++;
    const c = this.input[this.pos++];
    if (c === '1') return true;
    if (c === '0') return false;
    return this.fail('invalid boolean');
  }

  private token(): Token {
    const start = this.pos;
    this.pos++;
    while (!this.done() && TOKEN_CHAR.test(this.peek())) this.pos++;
    return new Token(this.input.slice(start, this.pos));
  }
}
