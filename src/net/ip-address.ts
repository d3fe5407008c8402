/**
 * Reading IP addresses without allocating: they are read on every request (client-ip ranges,
 * ipStrategy subnets), once per X-Forwarded-For entry where an attacker chooses how many. IPv6
 * addresses are read into eight 16-bit groups in a caller's buffer.
 */

/** The mask of each of the eight groups for a prefix of `bits` bits. */
export function groupMasks(bits: number): Uint16Array {
  const masks = new Uint16Array(8);
  for (let i = 0; i < 8; i++) {
    const left = Math.max(0, Math.min(16, bits - i * 16));
    masks[i] = (0xffff << (16 - left)) & 0xffff;
  }
  return masks;
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, in any spelling) stands for, else -1. */
export function mappedIPv4(groups: Uint16Array): number {
  for (let i = 0; i < 5; i++) if (groups[i] !== 0) return -1;
  return groups[5] === 0xffff ? groups[6]! * 0x10000 + groups[7]! : -1;
}

/** A dotted IPv4 address in `text[start, end)` as an unsigned 32-bit number, or -1 if it is not one. */
export function parseIPv4(text: string, start = 0, end = text.length): number {
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
export function readIPv6(text: string, out: Uint16Array): boolean {
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

/**
 * The first address of the IPv6 subnet of `prefix` bits containing an address (eight groups in
 * hex, `0:0:…`), for ipStrategy.ipv6Subnet; anything else comes back unchanged. The masks are
 * computed here, once, not per request.
 */
export function ipv6SubnetStart(prefix: number): (address: string) => string {
  const masks = groupMasks(prefix);
  const groups = new Uint16Array(8);
  return (address) => {
    if (!address.includes(':') || !readIPv6(address, groups)) return address;
    let start = (groups[0]! & masks[0]!).toString(16);
    for (let i = 1; i < 8; i++) start += `:${(groups[i]! & masks[i]!).toString(16)}`;
    return start;
  };
}
