import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../config/env.js';
import {
  OutboundPolicy,
  OutboundRefusedError,
  allowlistEntryProblem,
  type LookupFn,
} from './outbound-policy.js';

/** A resolver for made-up names; `flip` answers a harmless address once, then the metadata address (DNS rebinding). */
function fakeLookup(): LookupFn {
  const seen = new Map<string, number>();
  return async (hostname: string) => {
    const n = (seen.get(hostname) ?? 0) + 1;
    seen.set(hostname, n);
    if (hostname === 'meta.test') return [{ address: '169.254.169.254', family: 4 }];
    if (hostname === 'v6meta.test') return [{ address: 'fd00:ec2::254', family: 6 }];
    if (hostname === 'mixed.test')
      return [
        { address: '127.0.0.1', family: 4 },
        { address: '169.254.10.1', family: 4 },
      ];
    if (hostname === 'flip.test') return [{ address: n === 1 ? '127.0.0.1' : '169.254.169.254', family: 4 }];
    if (hostname.endsWith('.test')) return [{ address: '127.0.0.1', family: 4 }];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  };
}

describe('OutboundPolicy addresses', () => {
  const open = new OutboundPolicy();
  const closed = new OutboundPolicy({ allowPrivate: false });
  const listed = new OutboundPolicy({
    allowPrivate: false,
    allowlist: ['127.0.0.0/8', 'api.openai.com', '*.openai.azure.com'],
  });
  const table: Array<[string, boolean, boolean, boolean]> = [
    // address, refused by default, refused with private closed, refused with the allow-list above
    ['169.254.169.254', true, true, true],
    ['169.254.170.2', true, true, true],
    ['::ffff:169.254.169.254', true, true, true],
    ['::ffff:a9fe:a9fe', true, true, true],
    ['fe80::1', true, true, true],
    ['fd00:ec2::254', true, true, true],
    ['100.100.100.200', true, true, true],
    ['127.0.0.1', false, true, false],
    ['::1', false, true, true],
    ['0.0.0.0', false, true, true],
    ['10.1.2.3', false, true, true],
    ['172.20.0.1', false, true, true],
    ['192.168.1.10', false, true, true],
    ['fd12:3456::1', false, true, true],
    ['8.8.8.8', false, false, true],
  ];
  it.each(table)('%s', (ip, byDefault, privateClosed, withList) => {
    expect(open.addressProblem(ip) !== null).toBe(byDefault);
    expect(closed.addressProblem(ip) !== null).toBe(privateClosed);
    expect(listed.addressProblem(ip) !== null).toBe(withList);
  });

  it('allow-listed names pass; other names do not; metadata names never', () => {
    expect(listed.addressProblem('8.8.8.8', 'api.openai.com')).toBeNull();
    expect(listed.addressProblem('8.8.8.8', 'my-res.openai.azure.com')).toBeNull();
    expect(listed.addressProblem('8.8.8.8', 'evil.example.com')).toMatch(/OUTBOUND_ALLOWLIST/);
    for (const p of [open, closed, listed]) {
      expect(p.hostProblem('metadata.google.internal')).toMatch(/metadata/);
      expect(p.hostProblem('METADATA.Google.Internal.')).toMatch(/metadata/);
    }
  });

  it('property: no allow-list or setting ever opens link-local or metadata addresses', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        fc.constantFrom([], ['0.0.0.0/0'], ['169.254.0.0/16'], ['::/0', '0.0.0.0/0']),
        (a, b, allowPrivate, allowlist) => {
          const p = new OutboundPolicy({ allowPrivate, allowlist });
          expect(p.addressProblem(`169.254.${a}.${b}`)).not.toBeNull();
          expect(p.addressProblem(`::ffff:169.254.${a}.${b}`)).not.toBeNull();
          expect(p.addressProblem(`fe80::${a.toString(16)}:${b.toString(16)}`)).not.toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('OutboundPolicy.checkUrl (save time)', () => {
  const lookup = fakeLookup();
  const p = new OutboundPolicy({ lookup });
  it.each([
    ['http://169.254.169.254/latest/meta-data/', /link-local or cloud metadata/],
    ['http://[fd00:ec2::254]/', /link-local or cloud metadata/],
    ['http://[fe80::1]:11434', /link-local/],
    ['http://metadata.google.internal/computeMetadata/v1/', /metadata host/],
    ['http://meta.test/v1', /meta\.test resolves to 169\.254\.169\.254/],
    ['http://v6meta.test/v1', /resolves to fd00:ec2::254/],
    ['http://mixed.test/v1', /resolves to 169\.254\.10\.1/],
    ['file:///etc/passwd', /http or https/],
  ])('%s is refused', async (url, reason) => {
    expect(await p.checkUrl(url)).toMatch(reason);
  });
  it.each(['http://127.0.0.1:11434', 'http://ollama.test:11434', 'https://unresolvable.invalid/v1'])(
    '%s is allowed by default',
    async (url) => {
      expect(await p.checkUrl(url)).toBeNull();
    },
  );
  it('private closed: loopback refused unless an allow-list CIDR names it; an allow-list refuses other names', async () => {
    expect(
      await new OutboundPolicy({ lookup, allowPrivate: false }).checkUrl('http://ollama.test:11434'),
    ).toMatch(/private/);
    expect(
      await new OutboundPolicy({ lookup, allowPrivate: false, allowlist: ['127.0.0.1'] }).checkUrl(
        'http://ollama.test:11434',
      ),
    ).toBeNull();
    expect(
      await new OutboundPolicy({ lookup, allowlist: ['api.example.com'] }).checkUrl(
        'http://ollama.test:11434',
      ),
    ).toMatch(/OUTBOUND_ALLOWLIST/);
    expect(
      await new OutboundPolicy({ lookup, allowlist: ['api.example.com'] }).checkUrl(
        'https://unresolvable.invalid/',
      ),
    ).toMatch(/OUTBOUND_ALLOWLIST/);
  });
});

describe('OutboundPolicy on the connection (DNS rebinding)', () => {
  let server: Server;
  let port: number;
  const received: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(`${req.headers.host}${req.url}`);
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('a name that passed the save-time check but resolves to the metadata address at connect time is refused, and nothing is sent', async () => {
    const lookup = fakeLookup();
    const policy = new OutboundPolicy({ lookup });
    const agent = new Agent({ connect: policy.connector({ timeout: 2000 }) });
    try {
      expect(await policy.checkUrl(`http://flip.test:${port}/v1`)).toBeNull(); // saved: resolved to 127.0.0.1
      await expect(
        request(`http://flip.test:${port}/v1/models`, { dispatcher: agent }),
      ).rejects.toBeInstanceOf(OutboundRefusedError);
      expect(received.filter((r) => r.startsWith('flip.test'))).toEqual([]);
      // Ordinary names and loopback literals still connect (to the checked address).
      expect((await request(`http://ollama.test:${port}/api/tags`, { dispatcher: agent })).statusCode).toBe(
        200,
      );
      expect((await request(`http://127.0.0.1:${port}/x`, { dispatcher: agent })).statusCode).toBe(200);
      expect(received).toContain(`ollama.test:${port}/api/tags`);
      // Literal metadata addresses never get a socket.
      await expect(
        request('http://169.254.169.254/latest/meta-data/', { dispatcher: agent }),
      ).rejects.toMatchObject({ code: 'outbound_refused' });
      await expect(request('http://[fd00:ec2::254]/', { dispatcher: agent })).rejects.toMatchObject({
        code: 'outbound_refused',
      });
    } finally {
      await agent.close();
    }
  });

  it('with private ranges closed, loopback is refused on the connection too', async () => {
    const agent = new Agent({
      connect: new OutboundPolicy({ lookup: fakeLookup(), allowPrivate: false }).connector(),
    });
    try {
      await expect(request(`http://127.0.0.1:${port}/closed`, { dispatcher: agent })).rejects.toMatchObject({
        code: 'outbound_refused',
      });
      await expect(request(`http://ollama.test:${port}/closed`, { dispatcher: agent })).rejects.toMatchObject(
        { code: 'outbound_refused' },
      );
      expect(received.filter((r) => r.endsWith('/closed'))).toEqual([]);
    } finally {
      await agent.close();
    }
  });
});

describe('OUTBOUND_* environment', () => {
  it('parses the allow-list and the private switch, and names a bad entry', () => {
    const env = loadEnv({
      OUTBOUND_ALLOWLIST: 'api.openai.com, *.openai.azure.com 10.0.0.0/8,fd00::/8',
      OUTBOUND_ALLOW_PRIVATE: 'false',
    });
    expect(env.OUTBOUND_ALLOWLIST).toEqual([
      'api.openai.com',
      '*.openai.azure.com',
      '10.0.0.0/8',
      'fd00::/8',
    ]);
    expect(env.OUTBOUND_ALLOW_PRIVATE).toBe(false);
    expect(loadEnv({}).OUTBOUND_ALLOW_PRIVATE).toBe(true);
    for (const bad of ['10.0.0.0/33', 'http://x.example', '10.0.0.0/8/1', 'bad!host']) {
      expect(() => loadEnv({ OUTBOUND_ALLOWLIST: bad })).toThrow(EnvError);
      expect(() => loadEnv({ OUTBOUND_ALLOWLIST: bad })).toThrow(/OUTBOUND_ALLOWLIST/);
    }
    expect(allowlistEntryProblem('localhost')).toBeNull();
  });
});
