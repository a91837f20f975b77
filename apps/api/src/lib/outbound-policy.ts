/**
 * Where the server may connect on behalf of admins and users (provider base URLs, the Ollama URL).
 *
 * - Cloud metadata endpoints and link-local addresses are always refused (169.254.0.0/16, fe80::/10,
 *   fd00:ec2::254, 100.100.100.200, metadata.google.internal, …): they hand out the host's own credentials.
 * - Loopback and private ranges are allowed by default (self-hosted Ollama, a local vLLM); `allowPrivate: false`
 *   (OUTBOUND_ALLOW_PRIVATE=false) refuses them unless an allow-list CIDR names them.
 * - An allow-list (OUTBOUND_ALLOWLIST: host names, `*.suffix` wildcards, IPs and CIDRs) restricts every
 *   destination to those entries.
 *
 * URLs are checked when saved (`checkUrl`, which resolves the host) and again on every new connection (the
 * connector below checks the addresses the connection is really made to), so DNS rebinding cannot pass: the
 * check sits in the socket's own lookup, once per new connection, never per request.
 */
import {
  lookup as dnsLookup,
  type LookupAddress,
  type LookupAllOptions,
  type LookupOneOptions,
} from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { buildConnector } from 'undici';

export type LookupFn = (hostname: string, options: LookupAllOptions) => Promise<LookupAddress[]>;

const defaultLookup: LookupFn = (hostname, options) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, options, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

/** Host names that reach a cloud metadata service. */
const METADATA_HOSTS: ReadonlySet<string> = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
]);

function subnets(list: BlockList, entries: Array<[string, number]>) {
  for (const [net, prefix] of entries) {
    if (isIP(net) === 4) {
      list.addSubnet(net, prefix, 'ipv4');
      // The same range written as an IPv4-mapped IPv6 address (::ffff:169.254.169.254).
      list.addSubnet(`::ffff:${net}`, 96 + prefix, 'ipv6');
    } else list.addSubnet(net, prefix, 'ipv6');
  }
}

const ALWAYS_REFUSED = new BlockList();
subnets(ALWAYS_REFUSED, [
  ['169.254.0.0', 16], // IPv4 link-local, incl. 169.254.169.254 (AWS, GCP, Azure, OpenStack) and 169.254.170.2 (ECS)
  ['100.100.100.200', 32], // Alibaba Cloud metadata
  ['fe80::', 10], // IPv6 link-local
  ['fd00:ec2::254', 128], // AWS IMDS over IPv6
]);

const PRIVATE = new BlockList();
subnets(PRIVATE, [
  ['0.0.0.0', 8], // "this network": 0.0.0.0 reaches the host itself
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
]);

export class OutboundRefusedError extends Error {
  readonly code = 'outbound_refused';
  /** A configuration error of the destination, not of the request (the provider test reports "misconfigured"). */
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefusedError';
  }
}

export interface OutboundPolicyOptions {
  /** OUTBOUND_ALLOWLIST entries (already split); empty: any destination but the refused ones. */
  allowlist?: readonly string[];
  /** OUTBOUND_ALLOW_PRIVATE (default true). */
  allowPrivate?: boolean;
  /** Name resolution (tests inject one); default `dns.lookup`. */
  lookup?: LookupFn;
}

const HOST_ENTRY = /^(\*\.)?[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/i;

/** One allow-list entry's problem, or null when valid (used by the env validation). */
export function allowlistEntryProblem(entry: string): string | null {
  const [net, prefix, ...rest] = entry.split('/');
  if (rest.length === 0 && prefix !== undefined) {
    const v = isIP(net!);
    const n = Number(prefix);
    if (!v) return `"${entry}" is not a CIDR (address/prefix)`;
    if (!/^\d+$/.test(prefix) || n > (v === 4 ? 32 : 128)) return `"${entry}" has an invalid prefix length`;
    return null;
  }
  if (rest.length) return `"${entry}" is not a host name, IP or CIDR`;
  if (isIP(entry)) return null;
  return HOST_ENTRY.test(entry) ? null : `"${entry}" is not a host name, IP or CIDR`;
}

export function splitAllowlist(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const normalHost = (h: string) =>
  h
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
const family = (ip: string): 'ipv4' | 'ipv6' => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');

export class OutboundPolicy {
  readonly #allowPrivate: boolean;
  readonly #hosts = new Set<string>();
  readonly #suffixes: string[] = [];
  readonly #cidrs = new BlockList();
  readonly #hasCidrs: boolean;
  readonly #restricted: boolean;
  readonly #lookup: LookupFn;

  constructor(opts: OutboundPolicyOptions = {}) {
    this.#allowPrivate = opts.allowPrivate ?? true;
    this.#lookup = opts.lookup ?? defaultLookup;
    let cidrs = 0;
    for (const entry of opts.allowlist ?? []) {
      const problem = allowlistEntryProblem(entry);
      if (problem) throw new Error(`OUTBOUND_ALLOWLIST: ${problem}`);
      const [net, prefix] = entry.split('/');
      if (prefix !== undefined) {
        subnets(this.#cidrs, [[net!, Number(prefix)]]);
        cidrs++;
      } else if (isIP(entry)) {
        subnets(this.#cidrs, [[entry, isIP(entry) === 4 ? 32 : 128]]);
        cidrs++;
      } else if (entry.startsWith('*.')) this.#suffixes.push(normalHost(entry.slice(1)));
      else this.#hosts.add(normalHost(entry));
    }
    this.#hasCidrs = cidrs > 0;
    this.#restricted = (opts.allowlist ?? []).length > 0;
  }

  #nameAllowed(host: string): boolean {
    return this.#hosts.has(host) || this.#suffixes.some((s) => host.endsWith(s));
  }

  /** Why a connection to `address` (reached through `host`) is refused, or null. */
  addressProblem(address: string, host: string = address): string | null {
    const ip = normalHost(address);
    const fam = family(ip);
    if (ALWAYS_REFUSED.check(ip, fam)) return `${ip} is a link-local or cloud metadata address`;
    const listed = this.#hasCidrs && this.#cidrs.check(ip, fam);
    if (!this.#allowPrivate && PRIVATE.check(ip, fam) && !listed)
      return `${ip} is a loopback or private address (OUTBOUND_ALLOW_PRIVATE=false)`;
    if (this.#restricted && !listed && !this.#nameAllowed(normalHost(host)))
      return `${normalHost(host)} is not in OUTBOUND_ALLOWLIST`;
    return null;
  }

  /** Why a host name is refused before any resolution, or null. */
  hostProblem(hostname: string): string | null {
    const host = normalHost(hostname);
    if (METADATA_HOSTS.has(host)) return `${host} is a cloud metadata host`;
    if (isIP(host)) return this.addressProblem(host);
    return null;
  }

  /** The save-time check: scheme, host name, and every address the host resolves to now. */
  async checkUrl(url: string): Promise<string | null> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return 'is not a URL';
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http or https URL';
    const host = normalHost(u.hostname);
    const early = this.hostProblem(host);
    if (early || isIP(host)) return early;
    let addresses: LookupAddress[];
    try {
      addresses = await this.#lookup(host, { all: true });
    } catch {
      // Not resolvable now: the connection-time check decides; an allow-list still needs the name.
      return this.#restricted && !this.#nameAllowed(host) && !this.#hasCidrs
        ? `${host} is not in OUTBOUND_ALLOWLIST`
        : null;
    }
    for (const a of addresses) {
      const problem = this.addressProblem(a.address, host);
      if (problem) return `${host} resolves to ${a.address}: ${problem}`;
    }
    return null;
  }

  /**
   * The socket lookup used on every new connection: resolves, refuses the host if any address is refused, and
   * hands the checked addresses to the socket (which connects to exactly those).
   */
  readonly socketLookup = (
    hostname: string,
    options: LookupOneOptions | LookupAllOptions,
    callback: (...args: unknown[]) => void,
  ): void => {
    const host = normalHost(hostname);
    const early = METADATA_HOSTS.has(host) ? `${host} is a cloud metadata host` : null;
    if (early)
      return void process.nextTick(
        callback,
        new OutboundRefusedError(`Outbound connection refused: ${early}.`),
      );
    this.#lookup(hostname, { ...(options as object), all: true } as LookupAllOptions).then(
      (addresses) => {
        for (const a of addresses) {
          const problem = this.addressProblem(a.address, host);
          if (problem)
            return callback(
              new OutboundRefusedError(
                `Outbound connection refused: ${host} resolves to ${a.address}: ${problem}.`,
              ),
            );
        }
        if ((options as LookupAllOptions).all) return callback(null, addresses);
        const first = addresses[0];
        if (!first)
          return callback(
            Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
          );
        callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err),
    );
  };

  /** An undici connector that applies the policy to every new connection (IP literals included). */
  connector(opts: buildConnector.BuildOptions = {}): buildConnector.connector {
    const base = buildConnector({ ...opts, lookup: this.socketLookup } as buildConnector.BuildOptions);
    return (options, callback) => {
      const host = normalHost(options.hostname);
      // Sockets skip the lookup for IP literals: those are checked here.
      const problem = isIP(host) ? this.addressProblem(host) : null;
      if (problem) {
        callback(new OutboundRefusedError(`Outbound connection refused: ${problem}.`), null);
        return;
      }
      base(options, callback);
    };
  }
}
