import { isIPv4, isIPv6 } from 'node:net';
import { ConfigError } from '../config/errors.js';
import { groupMasks, mappedIPv4, parseIPv4, readIPv6 } from '../net/ip-address.js';
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
