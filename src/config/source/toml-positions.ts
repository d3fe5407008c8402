/**
 * smol-toml returns plain data without positions, so this scanner walks the (already valid) TOML
 * text once and records where every key is written. Paths are lower-cased so that lookups work
 * for canonicalised static keys too; array elements (`[[x]]` tables, inline arrays) are indexed.
 */
export function tomlKeyPositions(text: string): Map<string, number> {
  const scanner = new TomlScanner(text);
  try {
    scanner.document();
  } catch {
    // A construct the scanner does not know: keep the positions found so far.
  }
  return scanner.positions;
}

/** The map key for a path in `tomlKeyPositions`. */
export function positionKey(path: readonly string[]): string {
  return path.map((segment) => segment.toLowerCase()).join('\u0000');
}

class TomlScanner {
  readonly positions = new Map<string, number>();
  private readonly arrayTableCounts = new Map<string, number>();
  private pos = 0;

  constructor(private readonly text: string) {}

  document(): void {
    let table: string[] = [];
    for (;;) {
      this.skipBlank(true);
      if (this.pos >= this.text.length) return;
      const start = this.pos;
      if (this.text.startsWith('[[', this.pos)) {
        this.pos += 2;
        const path = this.headerPath(this.key());
        const key = positionKey(path);
        const index = this.arrayTableCounts.get(key) ?? 0;
        this.arrayTableCounts.set(key, index + 1);
        table = [...path, String(index)];
        this.record(table, start);
        this.pos = this.text.indexOf(']]', this.pos) + 2;
      } else if (this.text[this.pos] === '[') {
        this.pos += 1;
        table = this.headerPath(this.key());
        this.record(table, start);
        this.pos = this.text.indexOf(']', this.pos) + 1;
      } else {
        const key = this.key();
        this.record([...table, ...key], start);
        this.expect('=');
        this.value([...table, ...key]);
      }
    }
  }

  /** Inserts the current index after every parent segment that names an array of tables. */
  private headerPath(segments: string[]): string[] {
    const path: string[] = [];
    segments.forEach((segment, index) => {
      path.push(segment);
      const count = this.arrayTableCounts.get(positionKey(path));
      if (count !== undefined && index < segments.length - 1) path.push(String(count - 1));
    });
    return path;
  }

  private record(path: string[], offset: number): void {
    for (let length = 1; length <= path.length; length++) {
      const key = positionKey(path.slice(0, length));
      if (!this.positions.has(key)) this.positions.set(key, offset);
    }
  }

  private key(): string[] {
    const segments: string[] = [];
    for (;;) {
      this.skipBlank(false);
      const quote = this.text[this.pos];
      if (quote === '"' || quote === "'") {
        const end = this.text.indexOf(quote, this.pos + 1);
        segments.push(this.text.slice(this.pos + 1, end));
        this.pos = end + 1;
      } else {
        const match = /[A-Za-z0-9_-]+/y;
        match.lastIndex = this.pos;
        const found = match.exec(this.text);
        if (!found) throw new Error('key expected');
        segments.push(found[0]);
        this.pos = match.lastIndex;
      }
      this.skipBlank(false);
      if (this.text[this.pos] !== '.') return segments;
      this.pos += 1;
    }
  }

  private value(path: string[]): void {
    this.skipBlank(false);
    const char = this.text[this.pos];
    if (char === '{') {
      this.pos += 1;
      for (;;) {
        this.skipBlank(true);
        if (this.text[this.pos] === '}') break;
        const start = this.pos;
        const key = this.key();
        this.record([...path, ...key], start);
        this.expect('=');
        this.value([...path, ...key]);
        this.skipBlank(true);
        if (this.text[this.pos] === ',') this.pos += 1;
      }
      this.pos += 1;
    } else if (char === '[') {
      this.pos += 1;
      for (let index = 0; ; index++) {
        this.skipBlank(true);
        if (this.text[this.pos] === ']') break;
        this.record([...path, String(index)], this.pos);
        this.value([...path, String(index)]);
        this.skipBlank(true);
        if (this.text[this.pos] === ',') this.pos += 1;
      }
      this.pos += 1;
    } else if (char === '"' || char === "'") {
      this.string(char);
    } else {
      const match = /[^,\]}\s#]+/y;
      match.lastIndex = this.pos;
      match.exec(this.text);
      this.pos = Math.max(match.lastIndex, this.pos + 1);
    }
  }

  private string(quote: string): void {
    const triple = quote.repeat(3);
    if (this.text.startsWith(triple, this.pos)) {
      let end = this.text.indexOf(triple, this.pos + 3);
      while (quote === '"' && this.text[end - 1] === '\\') end = this.text.indexOf(triple, end + 1);
      // A closing delimiter may be followed by up to two more quotes that belong to the content.
      while (this.text[end + 3] === quote) end += 1;
      this.pos = end + 3;
      return;
    }
    let at = this.pos + 1;
    while (this.text[at] !== quote) at += quote === '"' && this.text[at] === '\\' ? 2 : 1;
    this.pos = at + 1;
  }

  private expect(char: string): void {
    this.skipBlank(false);
    if (this.text[this.pos] !== char) throw new Error(`${char} expected`);
    this.pos += 1;
  }

  /** Skips spaces and comments, and newlines too when `newlines` is set. */
  private skipBlank(newlines: boolean): void {
    for (;;) {
      const char = this.text[this.pos];
      if (char === ' ' || char === '\t' || char === '\r' || (newlines && char === '\n')) this.pos += 1;
      else if (char === '#') {
        const end = this.text.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.text.length : end;
      } else return;
    }
  }
}
