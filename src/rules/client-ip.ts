import { isIPv4, isIPv6 } from 'node:net';
import { MatcherProblem } from './problem.js';

/**
 * Builds a test for `ClientIP(ip|cidr)` against the TCP peer address. IPv4 peers that reach an
 * IPv6 socket arrive as `::ffff:a.b.c.d` and are compared as the IPv4 address they are.
 */
export function clientIpTest(range: string): (clientIp: string) => boolean {
  const slash = range.indexOf('/');
  const address = slash < 0 ? range : range.slice(0, slash);
  const prefixText = slash < 0 ? undefined : range.slice(slash + 1);
  if (isIPv4(address)) return ipv4Test(address, parsePrefix(prefixText, 32, range));
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv6(bare)) {
    const mapped = mappedIPv4(bare);
    if (mapped !== undefined && prefixText === undefined) return ipv4Test(mapped, 32);
    return ipv6Test(parseIPv6(bare)!, parsePrefix(prefixText, 128, range));
  }
  throw new MatcherProblem(
    `invalid value "${range}" for ClientIP: expected an IP address or a CIDR range such as 192.168.0.0/16 or 2001:db8::/32`,
  );
}

function parsePrefix(text: string | undefined, max: number, range: string): number {
  if (text === undefined) return max;
  const bits = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(bits <= max)) {
    throw new MatcherProblem(`invalid CIDR "${range}" for ClientIP: the prefix length must be between 0 and ${max}`);
  }
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
function parseIPv6(text: string): number[] | undefined {
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
