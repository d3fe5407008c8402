/**
 * Cost of one IpSet lookup (trustedIPs, ipAllowList, ClientIP, excludedIPs per X-Forwarded-For
 * entry) for a short list and a long one, IPv4 and IPv6 clients, hits and misses. In process, a
 * second or so. Usage: node --import tsx bench/ip-set.bench.ts
 */
import { IpSet } from '../src/rules/client-ip.js';

const ROUNDS = 200_000;

const short = new IpSet(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32', 'fe80::/10'], 'bench');
const long = new IpSet(
  Array.from({ length: 2000 }, (_, i) => (i % 2 ? `2001:db8:${i.toString(16)}::/48` : `10.${i >> 8}.${i & 255}.0/24`)),
  'bench',
);
const clients = ['10.1.2.3', '203.0.113.9', '::ffff:10.1.2.3', '2001:db8:7::1', '2a00:1450::200e'];

function measure(set: IpSet, client: string): { hit: boolean; ns: number } {
  let hits = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) if (set.has(client)) hits++;
  return { hit: hits > 0, ns: Number(process.hrtime.bigint() - started) / ROUNDS };
}

const cases = [
  ['4 entries', short],
  ['2000 entries', long],
] as const;
// A first pass lets the JIT settle, so that the first case is not charged for it.
for (const [, set] of cases) for (const client of clients) measure(set, client);
for (const [name, set] of cases) {
  for (const client of clients) {
    const { hit, ns } = measure(set, client);
    console.log(
      `${name.padEnd(13)} ${client.padEnd(16)} ${hit ? 'hit ' : 'miss'} ${ns.toFixed(0).padStart(7)} ns/lookup`,
    );
  }
}
