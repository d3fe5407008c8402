/**
 * Picks a response encoding from Accept-Encoding as Traefik's compress middleware does: highest
 * q-value first, ties broken by the configured order; `*` means the default (or first) encoding;
 * q=0 and unsupported codings are ignored. Returns undefined for "send it uncompressed".
 */
export class EncodingChooser {
  /** Rank of each acceptable coding: configured ones by order, identity after them, `*` first. */
  private readonly rank: Map<string, number>;

  constructor(
    private readonly encodings: readonly string[],
    private readonly defaultEncoding: string,
  ) {
    this.rank = new Map<string, number>([
      ['*', -1],
      ['identity', encodings.length],
    ]);
    encodings.forEach((encoding, i) => this.rank.set(encoding, i));
  }

  choose(acceptEncoding: string | undefined): string | undefined {
    if (acceptEncoding === undefined) return this.defaultEncoding || undefined;
    let best: { coding: string; weight: number; rank: number } | undefined;
    for (const item of acceptEncoding.replace(/ /g, '').split(',')) {
      const [coding = '', parameter] = item.split(';', 2);
      const rank = this.rank.get(coding);
      if (rank === undefined) continue;
      const weight = parameter?.startsWith('q=') ? Number(parameter.slice(2)) || 0 : 1;
      if (weight === 0) continue;
      if (!best || weight > best.weight || (weight === best.weight && rank < best.rank)) {
        best = { coding, weight, rank };
      }
    }
    if (!best || best.coding === 'identity') return undefined;
    if (best.coding === '*') return this.defaultEncoding || this.encodings[0];
    return best.coding;
  }
}
