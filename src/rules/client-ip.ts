import { isIPv4, isIPv6 } from 'node:net';
import { ConfigError } from '../config/errors.js';
import { MatcherProblem } from './problem.js';

/** What is wrong with a text that should be an IP address or CIDR range. */
class IpRangeProblem extends Error {
  constructor(readonly maxPrefix?: number) {
    super(maxPrefix === undefined ? 'not an IP address' : `the prefix length must be between 0 and ${maxPrefix}`);
  }
}

/**
 * The one implementation of IP ranges, for `ClientIP`, ipAllowList, ipStrategy.excludedIPs and
 * trusted proxies: a test of an address against `ip` or `ip/prefix` (IPv6 also in brackets).
 * IPv4 peers that reach an IPv6 socket arrive as `::ffff:a.b.c.d` and are compared as the IPv4
 * address they are. Throws IpRangeProblem.
 */
function ipRangeTest(range: string): (ip: string) => boolean {
  const slash = range.indexOf('/');
  const address = slash < 0 ? range : range.slice(0, slash);
  const prefixText = slash < 0 ? undefined : range.slice(slash + 1);
  if (isIPv4(address)) return ipv4Test(address, parsePrefix(prefixText, 32));
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv6(bare)) {
    const mapped = mappedIPv4(bare);
    if (mapped !== undefined && prefixText === undefined) return ipv4Test(mapped, 32);
    return ipv6Test(parseIPv6(bare)!, parsePrefix(prefixText, 128));
  }
  throw new IpRangeProblem();
}

/** Builds a test for `ClientIP(ip|cidr)` against the TCP peer address. */
export function clientIpTest(range: string): (clientIp: string) => boolean {
  try {
    return ipRangeTest(range);
  } catch (error) {
    if (!(error instanceof IpRangeProblem)) throw error;
    throw new MatcherProblem(
      error.maxPrefix === undefined
        ? `invalid value "${range}" for ClientIP: expected an IP address or a CIDR range such as 192.168.0.0/16 or 2001:db8::/32`
        : `invalid CIDR "${range}" for ClientIP: ${error.message}`,
    );
  }
}

/** A set of addresses and CIDR ranges of both families, IPv4-mapped IPv6 addresses included. */
export class IpSet {
  private readonly tests: ((ip: string) => boolean)[];

  /** `key` names the option (`sourceRange`) for errors; entries are IPs or CIDRs. */
  constructor(entries: readonly string[], key: string) {
    this.tests = entries.map((raw, i) => {
      try {
        return ipRangeTest(raw.trim());
      } catch (error) {
        if (!(error instanceof IpRangeProblem)) throw error;
        throw new ConfigError(`"${raw}" is neither an IP address nor a CIDR range like "10.0.0.0/8"`, `${key}[${i}]`);
      }
    });
  }

  has(address: string): boolean {
    for (const test of this.tests) if (test(address)) return true;
    return false;
  }
}

function parsePrefix(text: string | undefined, max: number): number {
  if (text === undefined) return max;
  const bits = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(bits <= max)) throw new IpRangeProblem(max);
  return bits;
}

function ipv4Test(address: string, bits: number): (clientIp: string) => boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  const network = (parseIPv4(address) & mask) >>> 0;
  return (clientIp) => {
    const ip = parseIPv4(clientIp, clientIp.startsWith('::ffff:') ? 7 : 0);
    return ip >= 0 && (ip & mask) >>> 0 === network;
  };
}

function ipv6Test(network: number[], bits: number): (clientIp: string) => boolean {
  return (clientIp) => {
    if (!clientIp.includes(':')) return false;
    const ip = parseIPv6(clientIp);
    if (!ip) return false;
    let remaining = bits;
    for (let group = 0; remaining > 0; group++, remaining -= 16) {
      const mask = remaining >= 16 ? 0xffff : (0xffff << (16 - remaining)) & 0xffff;
      if ((ip[group]! & mask) !== (network[group]! & mask)) return false;
    }
    return true;
  };
}

/** A dotted IPv4 address as an unsigned 32-bit number, or -1 if it is not one. */
function parseIPv4(text: string, start = 0): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      part = part * 10 + (c - 0x30);
      digits++;
      if (part > 255) return -1;
    } else {
      return -1;
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + part : -1;
}

function mappedIPv4(address: string): string | undefined {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match?.[1];
}

/** An IPv6 address as eight 16-bit groups (zone ids dropped), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  const zone = text.indexOf('%');
  const address = zone >= 0 ? text.slice(0, zone) : text;
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
}

function groups(part: string): number[] | undefined {
  if (part === '') return [];
  const result: number[] = [];
  const pieces = part.split(':');
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (i === pieces.length - 1 && piece.includes('.')) {
      const v4 = parseIPv4(piece);
      if (v4 < 0) return undefined;
      result.push(v4 >>> 16, v4 & 0xffff);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
      result.push(parseInt(piece, 16));
    } else {
      return undefined;
    }
  }
  return result;
}
