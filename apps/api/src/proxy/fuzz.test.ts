/**
 * Property-based fuzz of every proxy endpoint (both client formats, all three path prefixes) through the real
 * server to the real HTTP mock upstream: generated malformed bodies (wrong types in every field the gateway reads,
 * deep nesting, huge strings, odd unicode, invalid JSON, wrong content types, duplicated keys) never get a 5xx,
 * never hang, leave /health at 200, and leave no budget reservation or in-flight count behind. In the first run
 * the caller's organization has data protection on (every detector masking), so its body walkers, masking and
 * answer restoring are fuzzed on the same generated bodies; the second runs with protection off.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetKey, modelTarget } from '@switchyard/core';
import { generateGatewayKey } from '../lib/key-format.js';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { REDIS_TEST_URL, dropPrefix, testPrefix } from '../test/redis.js';

let env: ProxyEnv;
let key: string;
let keyId: string;
let redisPrefix: string | null = null;

/** The gateway on the real database and HTTP mock upstream, its counters in process or in Redis. */
async function start(store: 'memory' | 'redis', protect: boolean): Promise<void> {
  if (store === 'redis') redisPrefix = testPrefix();
  env = await createProxyEnv(
    redisPrefix
      ? {
          env: { REDIS_URL: REDIS_TEST_URL, REDIS_KEY_PREFIX: redisPrefix, REDIS_COMMAND_TIMEOUT_MS: '5000' },
        }
      : {},
  );
  // A key with a budget, so admissions reserve money the fuzz must give back.
  const k = generateGatewayKey();
  const row = await env.t.app.ctx.prisma.gatewayKey.create({
    data: {
      keyHash: k.hash,
      prefix: k.prefix,
      name: 'fuzz',
      ownerType: 'user',
      userId: env.ids.user,
      budgetUsd: 1000,
      budgetPeriod: 'month',
    },
  });
  if (protect) {
    const org = await env.t.app.ctx.prisma.organization.create({
      data: { name: 'Fuzz', slug: 'fuzz', piiProtection: true },
    });
    await env.t.app.ctx.prisma.organizationMember.create({ data: { orgId: org.id, userId: env.ids.user } });
  }
  await env.t.app.routing.reload();
  key = k.key;
  keyId = row.id;
}

async function stop(): Promise<void> {
  await env?.close();
  if (redisPrefix) await dropPrefix(redisPrefix);
  redisPrefix = null;
}

const PREFIXES = ['/v1', '/openai/v1', '/anthropic/v1'] as const;
const ENDPOINTS = [
  '/chat/completions',
  '/embeddings',
  '/responses',
  '/messages',
  '/messages/count_tokens',
  '/route',
] as const;
type Endpoint = (typeof ENDPOINTS)[number];

/** A valid body per endpoint: the fuzz breaks one or more of its fields. */
const BASE: Record<Endpoint, Record<string, unknown>> = {
  '/chat/completions': {
    model: 'up-openai/gpt-test',
    max_tokens: 50,
    messages: [
      { role: 'system', content: 'be brief' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'hi, I am jane.doe@example.com' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
    ],
    tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
    tool_choice: 'auto',
    stop: ['\n'],
    temperature: 0.5,
  },
  '/embeddings': { model: 'up-openai/embed-test', input: ['a', 'mail jane.doe@example.com'] },
  '/responses': {
    model: 'up-openai/gpt-test',
    instructions: 'be brief',
    max_output_tokens: 50,
    input: [
      { role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: 'ok' },
    ],
    tools: [{ type: 'function', name: 'f', parameters: { type: 'object', properties: {} } }],
    text: { format: { type: 'text' } },
  },
  '/messages': {
    model: 'up-anthropic/claude-test',
    max_tokens: 50,
    system: [{ type: 'text', text: 'be brief' }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'call +44 20 7946 0958' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA==' } },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'ok' }] }],
      },
    ],
    tools: [{ name: 'f', input_schema: { type: 'object', properties: {} } }],
    tool_choice: { type: 'auto' },
    stop_sequences: ['\n'],
  },
  // Either format: a body with both shapes' fields, so each mutation can tip the detection one way or the other.
  '/route': {
    model: 'up-anthropic/claude-test',
    max_tokens: 50,
    system: 'be brief',
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'hi, I am jane.doe@example.com' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
    ],
    tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
    n: 1,
  },
  '/messages/count_tokens': {
    model: 'up-anthropic/claude-test',
    system: 'be brief',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    tools: [{ name: 'f', input_schema: { type: 'object', properties: {} } }],
  },
};

/** Every path to a value inside a JSON value (`[]` is the root). */
function paths(
  v: unknown,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: unknown = structuredClone(root);
  let cur = copy as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

const nest = (depth: number, leaf: unknown, asArray: boolean): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
};

const oddStrings = fc.constantFrom(
  '',
  '\u0000',
  'evil\u0000model',
  '\ud800',
  'x\udc00y',
  '😀'.slice(0, 1),
  '\u202e\u200b\ufeff',
  'up-openai/gpt-test\n',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '%00%ff',
  '__proto__',
  'constructor',
);

/** Values of every JSON type, plus the nasty ones. */
const weird: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: oddStrings },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(null, 0, -1, 1.5, 1e308, true, false, [], {}, [null], [[]], [{}], 'x', [
      1,
      'a',
      null,
    ]),
  },
  // Objects JSON can send with their own toString / valueOf / __proto__: String() of the first two throws.
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      JSON.parse('{"toString":0}'),
      JSON.parse('{"toString":{},"valueOf":0}'),
      JSON.parse('{"__proto__":{"type":"text"}}'),
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'y'.repeat(n)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 60, max: 300 }), fc.jsonValue({ maxDepth: 1 }), fc.boolean())
      .map(([d, leaf, arr]) => nest(d, leaf, arr)),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

/** A valid body with 1-3 of its values (any depth, the root included) replaced or removed. */
const mutatedBody = (ep: Endpoint) =>
  fc
    .array(fc.tuple(fc.nat(), weird), { minLength: 1, maxLength: 3 })
    .map((edits) => {
      let body: unknown = BASE[ep];
      for (const [n, value] of edits) {
        const all = paths(body);
        body = setAt(body, all[n % all.length]!, value);
      }
      return body;
    })
    .map((b) => ({ text: JSON.stringify(b ?? null) ?? 'null', contentType: 'application/json' }));

/** Raw text: broken JSON, duplicated keys (escaped too), bodies cut short, wrong content types. */
const rawBody = (ep: Endpoint) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ text, contentType: 'application/json' })),
    fc.nat().map((n) => {
      const t = JSON.stringify(BASE[ep]);
      return { text: t.slice(0, n % t.length), contentType: 'application/json' };
    }),
    fc
      .constantFrom(
        '{"model":"x","model":"up-openai/gpt-test"',
        '{"mod\\u0065l":"up-anthropic/claude-test","model":"x"}',
        '{"model":"up-openai/gpt-test","model":"up-anthropic/claude-test","messages":[{"role":"user","content":"hi"}],"input":"x","max_tokens":5}',
      )
      .map((t) => ({
        text: t.endsWith('}') ? t : `${t},${JSON.stringify(BASE[ep]).slice(1)}`,
        contentType: 'application/json',
      })),
    fc
      .constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '')
      .map((contentType) => ({ text: JSON.stringify(BASE[ep]), contentType })),
    fc
      .constantFrom('', 'null', '[]', '"str"', '1', 'true', '{}', '['.repeat(5000))
      .map((text) => ({ text, contentType: 'application/json' })),
    // Deep nesting written as text (the generator's own objects stay shallow enough to clone): a tool schema
    // 100 to 20,000 levels deep in the field each format reads.
    fc.integer({ min: 100, max: 20_000 }).map((d) => {
      const schema = `${'{"type":"object","properties":{"a":'.repeat(d)}{}${'}}'.repeat(d)}`;
      const tools =
        ep === '/responses'
          ? `[{"type":"function","name":"f","parameters":${schema}}]`
          : ep.startsWith('/messages') || ep === '/route'
            ? `[{"name":"f","input_schema":${schema}}]`
            : `[{"type":"function","function":{"name":"f","parameters":${schema}}}]`;
      return {
        text: `{"tools":${tools},${JSON.stringify(BASE[ep]).slice(1)}`,
        contentType: 'application/json',
      };
    }),
  );

const request = fc
  .tuple(fc.constantFrom(...PREFIXES), fc.constantFrom(...ENDPOINTS), fc.boolean(), fc.nat({ max: 9 }))
  .chain(([prefix, ep, stream, pick]) =>
    (pick < 7 ? mutatedBody(ep) : rawBody(ep)).map((b) => ({
      path: `${prefix}${ep}`,
      // Half the structured bodies ask for a stream, so the stream path's exits are fuzzed too.
      text:
        stream && pick < 7 && b.text.startsWith('{') && b.text.length > 2
          ? `{"stream":true,${b.text.slice(1)}`
          : b.text,
      contentType: b.contentType,
    })),
  );

const statuses = new Map<number, number>();

/** The status and the answer's text (named in a failure). */
async function sendFor(r: {
  path: string;
  text: string;
  contentType: string;
}): Promise<{ status: number; answer: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (r.contentType) headers['content-type'] = r.contentType;
  let res: Response;
  let answer: string;
  try {
    res = await fetch(`${env.url}${r.path}`, {
      method: 'POST',
      headers,
      body: r.text,
      signal: AbortSignal.timeout(10_000),
    });
    answer = await res.text();
  } catch (err) {
    throw new Error(
      `${r.path} (${r.contentType}) did not answer within 10 s: ${String(err)}; body ${r.text.slice(0, 2000)}`,
    );
  }
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  return { status: res.status, answer };
}

const RUNS = 2_500;

describe.each([
  ['memory', 'on'],
  ['redis', 'off'],
] as const)(
  'fuzz: malformed bodies on every proxy endpoint (counters in %s, data protection %s)',
  (store, protection) => {
    beforeAll(() => start(store, protection === 'on'));
    afterAll(stop);

    it('never answer 5xx, never hang; /health stays 200; no reservation or in-flight count is left behind', async () => {
      const t0 = Date.now();
      statuses.clear();
      let n = 0;
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const { status, answer } = await sendFor(r);
          if (status >= 500)
            throw new Error(
              `${r.path} answered ${status} (${answer.slice(0, 500)}) to ${r.text.slice(0, 2000)}`,
            );
          if (++n % 250 === 0) expect((await fetch(`${env.url}/health`)).status).toBe(200);
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
      expect((await fetch(`${env.url}/health`)).status).toBe(200);

      const models = await env.t.app.ctx.prisma.model.findMany({ select: { id: true, providerId: true } });
      const view = env.t.app.routing.store.view();
      for (const m of models) expect(view.inFlight(modelTarget(m.providerId, m.id))).toBe(0);
      await env.flushUsage();
      const agg = await env.t.app.ctx.prisma.usageRecord.aggregate({
        _sum: { costUsd: true },
        where: { gatewayKeyId: keyId },
      });
      const [reserved] = await env.t.app.routing.store.read([
        budgetKey({ scope: 'key', id: keyId, period: 'month' }, Date.now()),
      ]);
      // What the key's budget holds is exactly what was spent: every estimate reserved on the way was settled.
      expect(reserved ?? 0).toBeCloseTo(Number(agg._sum.costUsd ?? 0), 9);
      console.log(
        `fuzz (${store}): ${RUNS} requests in ${Date.now() - t0} ms; statuses ${JSON.stringify([...statuses].sort((a, b) => a[0] - b[0]))}`,
      );
      // The fuzz reached the upstream too (not only the door).
      expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
      // With protection on, whatever shape the body took, the provider never received the values in it.
      const sent = env.up.requests.map((q) => q.raw.toString('utf8'));
      const leaked = sent.filter((t) => t.includes('jane.doe@example.com') || t.includes('7946 0958'));
      if (protection === 'on') {
        expect(leaked.slice(0, 3)).toEqual([]);
        expect(sent.some((t) => t.includes('[EMAIL_1]'))).toBe(true);
      } else expect(leaked.length).toBeGreaterThan(0);
    }, 120_000);
  },
);
