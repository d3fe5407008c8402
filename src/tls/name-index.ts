/**
 * Values by TLS server name: an exact name first, then a `*.` wildcard covering exactly one
 * label. Names compare in lower case and without a trailing dot (`a.example.com.` is the fully
 * qualified `a.example.com`); the first value given for a name wins.
 */
export class NameIndex<T> {
  private readonly byName = new Map<string, T>();

  add(name: string, value: T): void {
    const key = normalName(name);
    if (!this.byName.has(key)) this.byName.set(key, value);
  }

  find(serverName: string): T | undefined {
    const name = normalName(serverName);
    const exact = this.byName.get(name);
    if (exact !== undefined) return exact;
    const dot = name.indexOf('.');
    return dot > 0 ? this.byName.get(`*${name.slice(dot)}`) : undefined;
  }
}

function normalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
