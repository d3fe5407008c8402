import { ConfigError } from '../config/errors.js';

/** Traefik's HTTP code ranges: `"404"`, `"500-599"`, inclusive. */
export class StatusRanges {
  private readonly ranges: [number, number][];

  /** `key` names the option (`status`) in errors. */
  constructor(entries: readonly string[], key: string) {
    this.ranges = entries.map((entry, i) => {
      const match = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/.exec(entry);
      const from = Number(match?.[1]);
      const to = match?.[2] === undefined ? from : Number(match[2]);
      if (!match || from > to) {
        throw new ConfigError(`"${entry}" is not a status code or range like "404" or "500-599"`, `${key}[${i}]`);
      }
      return [from, to];
    });
  }

  has(status: number): boolean {
    return this.ranges.some(([from, to]) => status >= from && status <= to);
  }
}
