import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** `::ffff:a.b.c.d` (or `::ffff:hhhh:hhhh`) → `a.b.c.d`: an IPv4 client seen through a dual-stack socket. */
export function unmapIPv4(ip: string): string {
  // Cheap exit for the common case (an IPv4 or an ordinary IPv6 address).
  if (ip.length < 9 || (ip.charCodeAt(0) !== 58 /* : */ && ip[0] !== '0') || !isIPv6(ip)) return ip;
  const m = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/i.exec(ip);
  if (!m) return ip;
  const tail = m[1]!;
  if (isIPv4(tail)) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail);
  if (!hex) return ip;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/**
 * An allow-list of IPs and CIDR ranges (entries validated by core's `ipRangeEntry` when saved). An entry that is
 * not one anyway (a row edited by hand) matches nothing and is listed in `invalid`: the list fails closed.
 */
export class IpAllowList {
  readonly #list = new BlockList();
  readonly entries: readonly string[];
  readonly invalid: string[] = [];

  constructor(entries: readonly string[]) {
    this.entries = entries;
    for (const raw of entries) {
      const slash = raw.indexOf('/');
      const addr = slash === -1 ? raw : raw.slice(0, slash);
      let prefix =
        slash === -1 ? -1 : /^\d{1,3}$/.test(raw.slice(slash + 1)) ? Number(raw.slice(slash + 1)) : NaN;
      let ip = addr;
      if (isIPv6(addr) && (prefix === -1 || prefix >= 96)) {
        ip = unmapIPv4(addr);
        // A mapped IPv6 range (::ffff:10.0.0.0/104) is the IPv4 range (10.0.0.0/8): clients are unmapped too.
        if (ip !== addr && prefix !== -1) prefix -= 96;
      }
      const family = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : null;
      if (!family || Number.isNaN(prefix) || prefix > (family === 'ipv4' ? 32 : 128)) {
        this.invalid.push(raw);
        continue;
      }
      if (prefix === -1) this.#list.addAddress(ip, family);
      else this.#list.addSubnet(ip, prefix, family);
    }
  }

  /** Whether the client (an address from `clientIp`, never null here) is listed. */
  allows(ip: string): boolean {
    if (isIPv4(ip)) return this.#list.check(ip, 'ipv4');
    if (isIPv6(ip)) return this.#list.check(ip, 'ipv6');
    return false;
  }

  /** null for no entries: "anywhere", and the request path skips the check. */
  static of(entries: readonly string[] | undefined | null): IpAllowList | null {
    return entries && entries.length > 0 ? new IpAllowList(entries) : null;
  }
}
