// Property-based fuzz of the whole admin API: every operation in GET /api/v1/openapi.json gets generated bad values
// for each path parameter, query parameter and body field (NUL and lone surrogates, huge / negative / fractional
// numbers, out-of-range dates, deep nesting, malformed percent-encoding, wrong types), signed in as a super admin
// against the real database. No input may get a 5xx, and every error body has the admin shape.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
}
interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  body?: JsonSchema;
}
interface Reply {
  status: number;
  body: unknown;
  text: string;
}

/** Deeply nested JSON (the Prisma serializer used to overflow its stack on it). */
const deep = (n: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < n; i++) v = i % 2 ? { a: v } : [v];
  return v;
};

const BAD_STRINGS = [
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\udc00\ud800',
  '',
  ' ',
  'x'.repeat(5_000),
  '%',
  '_',
  '%25',
  '\\',
  '../../etc/passwd',
  '\'; DROP TABLE "User"; --',
  'a\r\nX-Injected: 1',
  '中文',
  '😀',
  '-271821-04-20',
  '+275760-09-13',
  '0000-00-00',
  '9999-12-31T23:59:59.999Z',
  '9223372036854775808',
  '18446744073709551616',
  '-9223372036854775809',
  '1e20',
  '1e400',
  'NaN',
  '-1',
  '0.5',
  '0x10',
  'null',
  'true',
  '[]',
  '{}',
  'global',
  'org:',
  'user:\u0000',
];
const BAD_NUMBERS = [
  1e20,
  2 ** 64,
  2 ** 63,
  2 ** 31,
  -1,
  -1e20,
  0.5,
  1e308,
  -0,
  Number.MAX_SAFE_INTEGER,
  0,
  1,
];
/** Sentinels replaced in the JSON text by number literals JSON.stringify cannot write. */
const RAW_NUMBERS: Record<string, string> = {
  '@@1e400@@': '1e400',
  '@@-1e400@@': '-1e400',
  '@@2^64@@': '18446744073709551616',
};
const BAD_VALUES: unknown[] = [
  ...BAD_STRINGS,
  ...BAD_NUMBERS,
  ...Object.keys(RAW_NUMBERS),
  true,
  false,
  null,
  [],
  ['\u0000'],
  [1e20],
  {},
  { a: '\ud800' },
  // JSON can name an object's own toString / valueOf: String() of it throws.
  JSON.parse('{"toString":0}') as unknown,
  JSON.parse('{"toString":{},"valueOf":0}') as unknown,
  deep(3_000),
  { nested: deep(3_000) },
  [deep(500)],
];
/** Path parameter values as sent on the wire (already percent-encoded, some of it malformed). */
const RAW_PATH_VALUES = [
  '%E0%A4%A',
  '%',
  '%zz',
  '%00',
  '%ED%A0%80',
  '%C0%AF',
  '%FF',
  'a%2Fb',
  '..',
  '.',
  '%2e%2e',
  'a'.repeat(3_000),
];

function encodeValue(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    // Lone surrogates: the bytes a careless client would send.
    return [...Buffer.from(s, 'utf8')]
      .map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`)
      .join('');
  }
}

let serial = 0;

/** A plausible value for a schema: the baseline the fuzz mutates one field of (strings unique per call). */
function sample(s: JsonSchema | undefined, name = ''): unknown {
  if (!s) return 'fuzz';
  if (s.default !== undefined) return s.default;
  if (s.enum?.length) return s.enum[0];
  const alt = s.anyOf ?? s.oneOf;
  if (alt) return sample(alt.find((a) => a.type !== 'null') ?? alt[0], name);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'email' || /email/i.test(name)) return `fuzz${++serial}@example.com`;
      if (/url/i.test(name)) return 'http://127.0.0.1:9/v1';
      if (s.format === 'date-time' || /At$/.test(name)) return '2030-01-01T00:00:00.000Z';
      if (/password/i.test(name)) return 'fuzz-password-123456';
      return `fuzz-a${++serial}`;
    case 'number':
    case 'integer':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {}))
        if (s.required?.includes(k)) out[k] = sample(v, k);
      return out;
    }
    default:
      return 'fuzz';
  }
}

/** Every field path of a body schema with its schema, nested objects and array items included (`a`, `a.b`, `a.0`). */
function fieldPaths(
  s: JsonSchema | undefined,
  prefix: string[] = [],
  depth = 0,
): Array<[string[], JsonSchema]> {
  if (!s || depth > 3) return [];
  const alt = s.anyOf ?? s.oneOf;
  if (alt) return alt.flatMap((a) => fieldPaths(a, prefix, depth + 1));
  const out: Array<[string[], JsonSchema]> = [];
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    out.push([[...prefix, k], v]);
    out.push(...fieldPaths(v, [...prefix, k], depth + 1));
  }
  if (s.items) {
    out.push([[...prefix, '0'], s.items]);
    out.push(...fieldPaths(s.items, [...prefix, '0'], depth + 1));
  }
  return out;
}

function typeOf(s: JsonSchema): string {
  const alt = s.anyOf ?? s.oneOf;
  if (alt) return typeOf(alt.find((a) => a.type !== 'null') ?? alt[0] ?? {});
  return (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type) ?? 'unknown';
}

/** Bad values aimed at a field's type (most of the time), or any bad value. */
function badFor(s: JsonSchema): fc.Arbitrary<unknown> {
  const any = fc.constantFrom(...BAD_VALUES);
  const typed: Record<string, unknown[]> = {
    string: BAD_STRINGS,
    number: [...BAD_NUMBERS, ...Object.keys(RAW_NUMBERS), '1'],
    integer: [...BAD_NUMBERS, ...Object.keys(RAW_NUMBERS), 1.5, '1'],
    object: [
      deep(3_000),
      { nested: deep(3_000) },
      { a: deep(40) },
      { ['k\u0000']: 1 },
      { a: 'x\u0000' },
      { a: '\udfff' },
      [],
      'x',
      null,
    ],
    array: [[null], ['\u0000'], [deep(200)], Array.from({ length: 2_000 }, (_, i) => `x${i}`), {}, 'x'],
    boolean: ['true', 1, 0, null],
  };
  const aimed = typed[typeOf(s)];
  return aimed
    ? fc.oneof({ arbitrary: fc.constantFrom(...aimed), weight: 3 }, { arbitrary: any, weight: 1 })
    : any;
}

function setPath(base: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (/^\d+$/.test(head)) {
    const arr = Array.isArray(base) ? [...base] : [];
    arr[Number(head)] = setPath(arr[Number(head)], rest, value);
    return arr;
  }
  const obj =
    base && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : {};
  obj[head] = setPath(obj[head], rest, value);
  return obj;
}

function operationsOf(doc: {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { in: string; name: string }[];
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
      }
    >
  >;
}): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const [method, op] of Object.entries(methods)) {
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

let t: TestApp;
let server: Server;
let base: string;
let token: string;
/** Real ids per path parameter name, so bodies also reach the code behind the lookup. */
const realIds: Record<string, string[]> = {};

async function send(
  method: string,
  path: string,
  opts: { body?: string | Buffer; headers?: Record<string, string>; auth?: boolean } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.auth !== false) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await undiciRequest(`${base}${path}`, { method, headers, body: opts.body });
  // An event stream stays open: its status and headers are the answer.
  if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
    res.body.destroy();
    return { status: res.statusCode, body: undefined, text: '' };
  }
  const text = await res.body.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.statusCode, body, text };
}

/** `{error:{code,message[,details]}}` with a string code and message. */
function hasErrorShape(body: unknown): boolean {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return !!e && typeof e.code === 'string' && typeof e.message === 'string';
}

const figures = { inputs: 0, s2xx: 0, s3xx: 0, s4xx: 0, s5xx: 0, badShape: 0 };
const failures: string[] = [];

function record(what: string, r: Reply): boolean {
  figures.inputs++;
  if (r.status >= 500) figures.s5xx++;
  else if (r.status >= 400) figures.s4xx++;
  else if (r.status >= 300) figures.s3xx++;
  else figures.s2xx++;
  const shapeOk = r.status < 400 || hasErrorShape(r.body);
  if (!shapeOk) figures.badShape++;
  if (r.status >= 500 || !shapeOk) {
    if (failures.length < 200) failures.push(`${r.status} ${what} -> ${r.text.slice(0, 200)}`);
    return false;
  }
  return true;
}

beforeAll(async () => {
  const dist = mkdtempSync(join(tmpdir(), 'sy-fuzz-web-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Switchyard</title>');
  t = await createTestApp({ env: { SERVE_WEB: 'true', WEB_DIST_DIR: dist } });
  server = createServer(t.app.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  token = await t.tokenFor('seed_admin');
  // One real row behind every kind of id, created through the API like an operator would.
  const p = await t.db.prisma.provider.findFirstOrThrow({ where: { type: 'mock' } });
  const m = await t.db.prisma.model.findFirstOrThrow({ where: { providerId: p.id } });
  const u = await t.createUser('user');
  const org = (
    await send('POST', '/api/v1/orgs', { body: JSON.stringify({ name: 'Fuzz org', slug: 'fuzz-org' }) })
  ).body as { id: string };
  const app = (
    await send('POST', '/api/v1/apps', { body: JSON.stringify({ name: 'Fuzz app', slug: 'fuzz-app' }) })
  ).body as { id: string };
  const key = (
    await send('POST', '/api/v1/keys', {
      body: JSON.stringify({ name: 'fuzz', ownerType: 'user', ownerId: u.id }),
    })
  ).body as { id: string };
  const alias = (
    await send('POST', '/api/v1/llm/routing/aliases', {
      body: JSON.stringify({ name: 'fuzz-alias', targets: [{ ref: `${p.slug}/${m.modelId}` }] }),
    })
  ).body as { id: string };
  const chain = (
    await send('POST', '/api/v1/llm/routing/chains', {
      body: JSON.stringify({ modelRef: 'fuzz-model', targets: [`${p.slug}/${m.modelId}`] }),
    })
  ).body as { id: string };
  realIds.id = [u.id, org.id, app.id, key.id, alias.id, chain.id, p.id, m.id];
  realIds.userId = [u.id];
  realIds.providerId = [p.id];
  realIds.slug = ['eco', 'balanced'];
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await t?.close();
});

describe('admin API fuzz (every OpenAPI operation, generated bad input)', () => {
  it('answers every generated input with < 500 and the {error:{code,message,details}} shape', async () => {
    const doc = (await send('GET', '/api/v1/openapi.json')).body as Parameters<typeof operationsOf>[0];
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThan(60);
    // ~25 runs per operation keep the whole file near a minute on a loaded CI machine; FUZZ_SEED replays a run.
    const runsPerOp = Number(process.env.FUZZ_RUNS_PER_OP ?? 25);
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

    for (const op of ops) {
      const fields = fieldPaths(op.body);
      const badValue = fc.constantFrom(...BAD_VALUES);
      const pathValue = (name: string) =>
        fc.oneof(
          fc.constantFrom(...(realIds[name] ?? ['fuzz-id'])).map(encodeValue),
          fc.constantFrom(...BAD_STRINGS).map(encodeValue),
          fc.constantFrom(...RAW_PATH_VALUES),
          fc.string({ unit: 'binary', maxLength: 40 }).map(encodeValue),
        );
      const queryValue = fc.oneof(
        fc.constantFrom(...BAD_STRINGS),
        fc.string({ unit: 'binary', maxLength: 30 }),
      );
      const arbCase = fc.record({
        params: fc.tuple(...op.pathParams.map(pathValue)),
        query: fc.array(
          fc.tuple(fc.constantFrom(...(op.queryParams.length ? op.queryParams : ['x'])), queryValue),
          { maxLength: 3 },
        ),
        rawQuery: fc.constantFrom('', '', '', '&%', '&search=%E0%A4%A', '&limit=%ZZ'),
        mutations: fc.array(
          fields.length
            ? fc.oneof(...fields.map(([p, fs]) => fc.tuple(fc.constant(p), badFor(fs))))
            : fc.tuple(fc.constant<string[]>([]), badValue),
          { minLength: 1, maxLength: 2 },
        ),
        wholeBody: fc.option(badValue, { freq: 6 }),
      });

      const property = fc.asyncProperty(arbCase, async (c) => {
        let path = op.path;
        op.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, c.params[i]!)));
        const qs = c.query.map(([k, v]) => `${k}=${encodeValue(v)}`).join('&') + c.rawQuery;
        if (qs) path += `?${qs.replace(/^&/, '')}`;
        let bodyText: string | undefined;
        if (op.body || op.method !== 'GET') {
          let body = c.wholeBody ?? sample(op.body);
          if (c.wholeBody === null) for (const [p, v] of c.mutations) body = setPath(body, p, v);
          bodyText = JSON.stringify(body) ?? 'null';
          for (const [sentinel, literal] of Object.entries(RAW_NUMBERS))
            bodyText = bodyText.split(`"${sentinel}"`).join(literal);
        }
        if (op.method === 'GET' || op.method === 'DELETE')
          bodyText = op.method === 'DELETE' ? bodyText : undefined;
        // Signing out would end the fuzzer's own session: that one runs without it.
        const auth = op.path !== '/api/v1/auth/logout';
        const r = await send(op.method, path, { body: bodyText, auth });
        return record(`${op.method} ${path.slice(0, 300)} ${bodyText?.slice(0, 300) ?? ''}`, r);
      });
      // No shrinking (each run is an HTTP call): the failing input is in `failures` exactly as sent.
      await fc.assert(property, { numRuns: runsPerOp, endOnFailure: true, seed }).catch(() => undefined);
    }

    // Raw cases no JSON body can express: unreadable encodings and charsets, truncated and oversized bodies.
    const gzipGarbage = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef]);
    const rawCases: Array<{ name: string; headers: Record<string, string>; body: string | Buffer }> = [
      { name: 'gzip garbage', headers: { 'content-encoding': 'gzip' }, body: 'not gzip' },
      { name: 'truncated gzip', headers: { 'content-encoding': 'gzip' }, body: gzipGarbage },
      { name: 'deflate garbage', headers: { 'content-encoding': 'deflate' }, body: 'not deflate' },
      { name: 'br garbage', headers: { 'content-encoding': 'br' }, body: 'not brotli' },
      { name: 'unknown encoding', headers: { 'content-encoding': 'x-unknown' }, body: '{}' },
      { name: 'two encodings', headers: { 'content-encoding': 'gzip, x-unknown' }, body: '{}' },
      {
        name: 'unknown charset',
        headers: { 'content-type': 'application/json; charset=x-klingon' },
        body: '{}',
      },
      { name: 'truncated JSON', headers: {}, body: '{"name": "a' },
      {
        name: 'invalid UTF-8',
        headers: {},
        body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      },
      { name: 'too large', headers: {}, body: `{"a":"${'x'.repeat(2_200_000)}"}` },
    ];
    for (const op of ops.filter((o) => o.body)) {
      for (const rc of rawCases) {
        const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => realIds[name]?.[0] ?? 'fuzz-id');
        const r = await send(op.method, path, {
          headers: { 'content-type': 'application/json', ...rc.headers },
          body: rc.body,
        });
        record(`${op.method} ${path} [${rc.name}]`, r);
      }
    }

    // Static assets without signing in, and export file names.
    for (const path of [
      '/assets/missing.js',
      '/assets/',
      '/assets/%E0%A4%A',
      '/assets/..%2f..%2fpackage.json',
      '/assets/a%00b.js',
    ]) {
      record(`GET ${path} (no session)`, await send('GET', path, { auth: false }));
    }
    for (const user of ['a\r\nSet-Cookie: x=1', 'ü中文😀', '"quoted"', 'a;b=c', '%E0%A4%A']) {
      for (const p of ['/api/v1/llm/export', '/api/v1/me/export']) {
        const r = await send('GET', `${p}?user=${encodeValue(user)}`);
        if (r.status === 200 && !/^time,request_id,/.test(r.text))
          failures.push(`export ${user}: 200 without the CSV header`);
        record(`GET ${p}?user=${user}`, r);
      }
    }
    // The figures for the closing note.
    console.log(
      `admin fuzz (seed ${seed}): ${ops.length} operations, ${figures.inputs} inputs: ${figures.s2xx} 2xx, ${figures.s3xx} 3xx, ${figures.s4xx} 4xx, ${figures.s5xx} 5xx, ${figures.badShape} error bodies without the admin shape`,
    );
    expect(failures, `replay with FUZZ_SEED=${seed}`).toEqual([]);
  }, 180_000);
});
