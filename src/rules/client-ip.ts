import { isIPv4, isIPv6 } from 'node:net';
import { ConfigError } from '../config/errors.js';
import { MatcherProblem } from './problem.js';

/** What is wrong with a text that should be an IP address or CIDR range. */
class IpRangeProblem extends Error {
  constructor(readonly maxPrefix?: number) {
    super(maxPrefix === undefined ? 'not an IP address' : `the prefix length must be between 0 and ${maxPrefix}`);
  }
}

/** One `ip` or `ip/prefix`, read: an IPv4 network as a 32-bit number, an IPv6 one as eight groups. */
type IpRange = { family: 4; network: number; bits: number } | { family: 6; network: Uint16Array; bits: number };

/**
 * Reads `ip` or `ip/prefix` (IPv6 also in brackets). An IPv4-mapped IPv6 address without prefix is
 * the IPv4 address it stands for. Throws IpRangeProblem.
 */
function parseRange(range: string): IpRange {
  const slash = range.indexOf('/');
  const address = slash < 0 ? range : range.slice(0, slash);
  const prefixText = slash < 0 ? undefined : range.slice(slash + 1);
  if (isIPv4(address)) return { family: 4, network: parseIPv4(address), bits: parsePrefix(prefixText, 32) };
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const groups = new Uint16Array(8);
  if (!isIPv6(bare) || !readIPv6(bare, groups)) throw new IpRangeProblem();
  const mapped = mappedIPv4(groups);
  if (mapped >= 0 && prefixText === undefined) return { family: 4, network: mapped, bits: 32 };
  return { family: 6, network: groups, bits: parsePrefix(prefixText, 128) };
}

/**
 * The one implementation of IP ranges, for `ClientIP`, ipAllowList, ipStrategy.excludedIPs and
 * trusted proxies. It runs on every request, once per X-Forwarded-For entry for excludedIPs (an
 * attacker chooses how many), so an address is read once per lookup (an IPv4 lookup allocates
 * nothing; an IPv6 one builds one short key string per prefix length), and the ranges are
 * grouped by prefix length: a lookup costs one Set probe per distinct length, however
 * long the list. IPv4 peers that reach an IPv6 socket arrive as `::ffff:a.b.c.d` and are compared
 * as the IPv4 address they are; a plain IPv4 address never falls in an IPv6 range.
 */
class RangeTable {
  /** IPv4 networks by netmask. */
  private readonly v4: { mask: number; networks: Set<number> }[] = [];
  /** IPv6 networks by per-group masks, each network as a string key of its eight masked groups. */
  private readonly v6: { masks: Uint16Array; networks: Set<string> }[] = [];

  add(range: IpRange): void {
    if (range.family === 4) {
      const mask = range.bits === 0 ? 0 : (~0 << (32 - range.bits)) >>> 0;
      let group = this.v4.find((candidate) => candidate.mask === mask);
      if (!group) this.v4.push((group = { mask, networks: new Set() }));
      group.networks.add((range.network & mask) >>> 0);
    } else {
      const masks = groupMasks(range.bits);
      let group = this.v6.find((candidate) => candidate.masks.every((mask, i) => mask === masks[i]));
      if (!group) this.v6.push((group = { masks, networks: new Set() }));
      group.networks.add(maskedKey(range.network, masks));
    }
  }

  has(address: string): boolean {
    let v4 = -1;
    if (!address.includes(':')) {
      v4 = parseIPv4(address);
    } else if (readIPv6(address, scratch)) {
      for (const { masks, networks } of this.v6) if (networks.has(maskedKey(scratch, masks))) return true;
      v4 = mappedIPv4(scratch);
    }
    if (v4 < 0) return false;
    for (const { mask, networks } of this.v4) if (networks.has((v4 & mask) >>> 0)) return true;
    return false;
  }
}

/** Where a lookup reads an IPv6 address: lookups are synchronous, so one buffer serves them all. */
const scratch = new Uint16Array(8);

/** Builds a test for `ClientIP(ip|cidr)` against the TCP peer address. */
export function clientIpTest(range: string): (clientIp: string) => boolean {
  const table = new RangeTable();
  try {
    table.add(parseRange(range));
  } catch (error) {
    if (!(error instanceof IpRangeProblem)) throw error;
    throw new MatcherProblem(
      error.maxPrefix === undefined
        ? `invalid value "${range}" for ClientIP: expected an IP address or a CIDR range such as 192.168.0.0/16 or 2001:db8::/32`
        : `invalid CIDR "${range}" for ClientIP: ${error.message}`,
    );
  }
  return (clientIp) => table.has(clientIp);
}

/** A set of addresses and CIDR ranges of both families, IPv4-mapped IPv6 addresses included. */
export class IpSet {
  private readonly table = new RangeTable();

  /** `key` names the option (`sourceRange`) for errors; entries are IPs or CIDRs. */
  constructor(entries: readonly string[], key: string) {
    entries.forEach((raw, i) => {
      try {
        this.table.add(parseRange(raw.trim()));
      } catch (error) {
        if (!(error instanceof IpRangeProblem)) throw error;
        throw new ConfigError(`"${raw}" is neither an IP address nor a CIDR range like "10.0.0.0/8"`, `${key}[${i}]`);
      }
    });
  }

  has(address: string): boolean {
    return this.table.has(address);
  }
}

function parsePrefix(text: string | undefined, max: number): number {
  if (text === undefined) return max;
  const bits = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(bits <= max)) throw new IpRangeProblem(max);
  return bits;
}

/** The mask of each of the eight groups for a prefix of `bits` bits. */
function groupMasks(bits: number): Uint16Array {
  const masks = new Uint16Array(8);
  for (let i = 0; i < 8; i++) {
    const left = Math.max(0, Math.min(16, bits - i * 16));
    masks[i] = (0xffff << (16 - left)) & 0xffff;
  }
  return masks;
}

function maskedKey(groups: Uint16Array, masks: Uint16Array): string {
  return String.fromCharCode(
    groups[0]! & masks[0]!,
    groups[1]! & masks[1]!,
    groups[2]! & masks[2]!,
    groups[3]! & masks[3]!,
    groups[4]! & masks[4]!,
    groups[5]! & masks[5]!,
    groups[6]! & masks[6]!,
    groups[7]! & masks[7]!,
  );
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, in any spelling) stands for, else -1. */
function mappedIPv4(groups: Uint16Array): number {
  for (let i = 0; i < 5; i++) if (groups[i] !== 0) return -1;
  return groups[5] === 0xffff ? groups[6]! * 0x10000 + groups[7]! : -1;
}

/** A dotted IPv4 address in `text[start, end)` as an unsigned 32-bit number, or -1 if it is not one. */
function parseIPv4(text: string, start = 0, end = text.length): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
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

const DOT = 0x2e;
const COLON = 0x3a;

/**
 * Reads an IPv6 address into eight groups (a zone such as `%eth0` is ignored); false if it is
 * not one. One pass over the characters, nothing allocated: it runs for every lookup.
 */
function readIPv6(text: string, out: Uint16Array): boolean {
  const zone = text.indexOf('%');
  const end = zone < 0 ? text.length : zone;
  let count = 0;
  /** Where `::` stands, in groups; -1 without one. */
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return false;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    if (count === 8) return false;
    let value = 0;
    let j = i;
    for (let digit = hexDigit(text.charCodeAt(j)); digit >= 0; digit = hexDigit(text.charCodeAt(j))) {
      if (j - i === 4) return false;
      value = value * 16 + digit;
      j++;
    }
    if (j < end && text.charCodeAt(j) === DOT) {
      // An IPv4 address may only end the text, in the last two groups.
      const v4 = count <= 6 ? parseIPv4(text, i, end) : -1;
      if (v4 < 0) return false;
      out[count++] = v4 >>> 16;
      out[count++] = v4 & 0xffff;
      break;
    }
    if (j === i) return false;
    out[count++] = value;
    i = j;
    if (i === end) break;
    if (text.charCodeAt(i) !== COLON || ++i === end) return false;
    if (text.charCodeAt(i) === COLON) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    }
  }
  if (gap < 0) return count === 8;
  // `::` stands for at least one group of zeros.
  if (count === 8) return false;
  const tail = count - gap;
  out.copyWithin(8 - tail, gap, count);
  out.fill(0, gap, 8 - tail);
  return true;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** An IPv6 address as eight 16-bit groups (zone ids dropped), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  const groups = new Uint16Array(8);
  return readIPv6(text, groups) ? Array.from(groups) : undefined;
}
