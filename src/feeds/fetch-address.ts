// Address safety for the feed fetcher: which IP addresses a feed URL may make the bot connect to,
// and DNS resolution that the fetcher then pins for the connection (no second look-up to rebind).
import dns from 'node:dns';
import net from 'node:net';

/** Same shape as `dns.lookup` (and `net.LookupFunction`); the fetcher always asks with `{ all: true }`. */
export type LookupFunction = net.LookupFunction;

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Why an address must not be fetched from, or undefined when it is an ordinary public address.
 * Covers loopback, private (RFC 1918), link-local (incl. cloud metadata 169.254.169.254), unique-local,
 * CGNAT, multicast, unspecified, and the reserved / documentation / benchmarking ranges;
 * IPv4 embedded in IPv6 (mapped, NAT64, 6to4) is judged by its IPv4 address.
 */
export function refusedAddressReason(ip: string): string | undefined {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = net.isIP(bare);
  if (version === 4) return ipv4Reason(parseIpv4(bare));
  if (version === 6) return ipv6Reason(parseIpv6(bare));
  return 'not an IP address';
}

function parseIpv4(ip: string): number {
  const parts = ip.split('.').map(Number);
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

function inV4(addr: number, base: string, bits: number): boolean {
  if (bits === 0) return true;
  const mask = bits === 32 ? 0xffffffff : ~((1 << (32 - bits)) - 1) >>> 0;
  return (addr & mask) >>> 0 === (parseIpv4(base) & mask) >>> 0;
}

const V4_RANGES: ReadonlyArray<readonly [string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT (shared address space)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved (IETF protocol assignments)'],
  ['192.0.2.0', 24, 'reserved (documentation)'],
  ['192.88.99.0', 24, 'reserved (6to4 relay anycast)'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved (benchmarking)'],
  ['198.51.100.0', 24, 'reserved (documentation)'],
  ['203.0.113.0', 24, 'reserved (documentation)'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (incl. broadcast)'],
];

function ipv4Reason(addr: number): string | undefined {
  for (const [base, bits, reason] of V4_RANGES) if (inV4(addr, base, bits)) return reason;
  return undefined;
}

/** Eight 16-bit groups. Input has already passed net.isIP() === 6. */
function parseIpv6(ip: string): number[] {
  let text = ip.toLowerCase();
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIpv4(dotted[1]!);
    text = text.slice(0, -dotted[1]!.length) + `${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailGroups];
  return groups.map((g) => parseInt(g, 16));
}

function embeddedV4(g: number[], at: number): number {
  return ((g[at]! << 16) >>> 0) + g[at + 1]!;
}

function ipv6Reason(g: number[]): string | undefined {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  if (zeroUpTo(5) && g[5] === 0xffff) return ipv4Reason(embeddedV4(g, 6)); // IPv4-mapped
  if (zeroUpTo(6)) return 'reserved (IPv4-compatible)';
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return ipv4Reason(embeddedV4(g, 6)); // NAT64
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'private (local-use NAT64)';
  if (g[0] === 0x2002) return ipv4Reason(embeddedV4(g, 1)); // 6to4
  if (g[0] === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return 'reserved (discard)';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'reserved (documentation)';
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return 'unique-local';
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xffc0) === 0xfec0) return 'site-local (deprecated)';
  if ((first & 0xff00) === 0xff00) return 'multicast';
  return undefined;
}

/** 'allow-all', or the non-public addresses that are nevertheless allowed (empty: none). */
export type AddressPolicy = 'allow-all' | net.BlockList;

/**
 * The policy for `allowPrivateNetworks`: true allows every address; a list allows just those addresses
 * and CIDR subnets ("127.0.0.1", "10.20.0.0/16", "fd00::/8"); false or undefined allows only public ones.
 * Throws RangeError on an entry that is neither.
 */
export function addressPolicy(allow: boolean | readonly string[] | undefined): AddressPolicy {
  if (allow === true) return 'allow-all';
  const list = new net.BlockList();
  for (const entry of allow || []) {
    const [address = '', prefix] = entry.trim().split('/');
    const family = net.isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    if (family === 0 || (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)))) {
      throw new RangeError(`allowPrivateNetworks: "${entry}" is not an IP address or CIDR subnet`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return list;
}

export class AddressRefused extends Error {
  constructor(
    readonly hostname: string,
    readonly refused: ReadonlyArray<{ address: string; reason: string }>,
  ) {
    super(`${hostname} resolves only to addresses the bot must not connect to: ` + refused.map((r) => `${r.address} (${r.reason})`).join(', '));
  }
}

/**
 * Resolves `hostname` (with the injected lookup, else dns.lookup) and returns the addresses that may be
 * connected to. Throws AddressRefused when none may; look-up errors are thrown as they come.
 * An IP literal is checked without any look-up.
 */
export async function resolveAllowed(hostname: string, lookup: LookupFunction | undefined, policy: AddressPolicy, signal: AbortSignal): Promise<ResolvedAddress[]> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const literal = net.isIP(bare);
  const all: ResolvedAddress[] = literal ? [{ address: bare, family: literal as 4 | 6 }] : await lookupAll(bare, lookup ?? dns.lookup, signal);
  if (all.length === 0) throw Object.assign(new Error(`${hostname}: no addresses`), { code: 'ENOTFOUND' });
  if (policy === 'allow-all') return all;
  const allowed: ResolvedAddress[] = [];
  const refused: Array<{ address: string; reason: string }> = [];
  for (const a of all) {
    const reason = refusedAddressReason(a.address);
    if (reason && !allowedByList(policy, a)) refused.push({ address: a.address, reason });
    else allowed.push(a);
  }
  if (allowed.length === 0) throw new AddressRefused(hostname, refused);
  return allowed;
}

function allowedByList(list: net.BlockList, a: ResolvedAddress): boolean {
  try {
    return list.check(a.address.replace(/%.*$/, ''), a.family === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}

function lookupAll(hostname: string, lookup: LookupFunction, signal: AbortSignal): Promise<ResolvedAddress[]> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(asError(signal.reason));
    const onAbort = () => reject(asError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      lookup(hostname, { all: true }, (error, address, family) => {
        signal.removeEventListener('abort', onAbort);
        if (error) return reject(error);
        const list = Array.isArray(address) ? address : [{ address, family: family ?? net.isIP(address) }];
        const out: ResolvedAddress[] = [];
        for (const a of list) {
          const fam = net.isIP(a.address);
          if (fam === 4 || fam === 6) out.push({ address: a.address, family: fam });
        }
        resolve(out);
      });
    } catch (error) {
      signal.removeEventListener('abort', onAbort);
      reject(asError(error));
    }
  });
}

/** A lookup for the socket that answers only with the already checked addresses (pinning). */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    if (wanted.length === 0) {
      const error: NodeJS.ErrnoException = Object.assign(new Error('no pinned address of the wanted family'), { code: 'ENOTFOUND' });
      callback(error, '', undefined);
      return;
    }
    if (options.all)
      callback(
        null,
        wanted.map((a) => ({ address: a.address, family: a.family })),
      );
    else callback(null, wanted[0]!.address, wanted[0]!.family);
  };
}

/** An abort reason or a thrown value as the Error a rejection should carry (Errors pass through unchanged). */
const asError = (reason: unknown): Error => (reason instanceof Error ? reason : new Error(String(reason)));
