import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

// The upstream must run what was routed and billed: the gateway routes on JSON.parse's reading of the body (the last
// of repeated keys, escapes decoded), so the body the upstream receives must read the same, to any JSON parser —
// no repeated top-level key, whichever of them a parser keeps.

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => {
  env.up.reset();
});

type Path = '/v1/chat/completions' | '/v1/responses' | '/v1/embeddings' | '/v1/messages';

async function send(path: Path, raw: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (path === '/v1/messages') headers['x-api-key'] = env.userKey;
  else headers.authorization = `Bearer ${env.userKey}`;
  const res = await fetch(`${env.url}${path}`, { method: 'POST', headers, body: raw });
  const text = await res.text();
  return { status: res.status, text, requestId: res.headers.get('x-request-id')! };
}

/** The top-level keys of a JSON object text in order, escapes decoded (a test-side scanner, independent of the gateway's). */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(JSON.parse(text.slice(i, j + 1)) as string);
      expectKey = false;
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = c === '{' && depth === 1;
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) expectKey = true;
  }
  return keys;
}

async function usageRow(requestId: string) {
  await env.flushUsage();
  return env.t.app.ctx.prisma.usageRecord.findFirst({ where: { requestId } });
}

/** What the upstream received, checked to be unambiguous; returns its parsed body. */
function received(): Record<string, unknown> {
  expect(env.up.requests).toHaveLength(1);
  const raw = env.up.requests[0]!.raw.toString('utf8');
  const keys = topLevelKeys(raw);
  expect(keys.length, `repeated top-level key in ${raw}`).toBe(new Set(keys).size);
  return JSON.parse(raw) as Record<string, unknown>;
}

const MSG = '"messages":[{"role":"user","content":"hi"}]';

describe('the upstream receives the model that was routed and billed', () => {
  it.each<[string, Path, string, string]>([
    [
      'chat: escaped duplicate "model"',
      '/v1/chat/completions',
      `{"model":"gpt-test","mod\\u0065l":"up-openai/big-test",${MSG}}`,
      'big-test',
    ],
    [
      'chat: repeated "model"',
      '/v1/chat/completions',
      `{"model":"up-openai/big-test","model":"up-openai/gpt-test",${MSG}}`,
      'gpt-test',
    ],
    [
      'chat: "model" only escaped',
      '/v1/chat/completions',
      `{"\\u006dodel":"up-openai/big-test",${MSG}}`,
      'big-test',
    ],
    [
      'responses: escaped duplicate "model"',
      '/v1/responses',
      '{"model":"gpt-test","mod\\u0065l":"up-openai/big-test","input":"hi"}',
      'big-test',
    ],
    [
      'embeddings: escaped duplicate "model"',
      '/v1/embeddings',
      '{"model":"embed-test","mod\\u0065l":"up-openai/embed-test","input":"hi"}',
      'embed-test',
    ],
    [
      'messages: escaped duplicate "model"',
      '/v1/messages',
      `{"model":"claude-test","mod\\u0065l":"up-anthropic/claude-test","max_tokens":20,${MSG}}`,
      'claude-test',
    ],
    [
      'messages: repeated "model"',
      '/v1/messages',
      `{"model":"up-anthropic/claude-test","max_tokens":20,"model":"claude-test",${MSG}}`,
      'claude-test',
    ],
  ])('%s', async (_name, path, raw, routed) => {
    const res = await send(path, raw);
    expect(res.status, res.text).toBe(200);
    const row = await usageRow(res.requestId);
    expect(row!.modelId).toBe(routed);
    expect(received().model).toBe(routed);
  });

  it('messages: the max_tokens the upstream honours is the one admission read', async () => {
    const res = await send(
      '/v1/messages',
      `{"model":"claude-test","max_tokens":100000,"max_t\\u006fkens":20,${MSG}}`,
    );
    expect(res.status, res.text).toBe(200);
    expect(received().max_tokens).toBe(20);
  });

  it('chat: an escaped "stream" still streams with usage, so the call is billed', async () => {
    const res = await send('/v1/chat/completions', `{"model":"gpt-test","str\\u0065am":true,${MSG}}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('data: [DONE]');
    expect(received().stream_options).toEqual({ include_usage: true });
    const row = await usageRow(res.requestId);
    expect(row!.tokensIn).toBe(12);
    expect(Number(row!.costUsd)).toBeGreaterThan(0);
  });

  it('chat: stream_options whose include_usage is repeated cannot switch usage off', async () => {
    const res = await send(
      '/v1/chat/completions',
      `{"model":"gpt-test","stream":true,"stream_options":{"include_usage":true,"include_usage":false},${MSG}}`,
    );
    expect(res.status).toBe(200);
    expect(received().stream_options).toEqual({ include_usage: true });
    const row = await usageRow(res.requestId);
    expect(row!.tokensIn).toBe(12);
    expect(Number(row!.costUsd)).toBeGreaterThan(0);
  });

  it('property: for generated bodies with repeated and escaped keys, the upstream runs the model the usage row records (or the request is refused with 400)', async () => {
    const spellings = ['"model"', '"mod\\u0065l"', '"\\u006dodel"', '"m\\u006f\\u0064el"'];
    const values: Record<Path, string[]> = {
      '/v1/chat/completions': [
        'gpt-test',
        'big-test',
        'up-openai/gpt-test',
        'up-openai/big-test',
        'up-backup/gpt-test',
      ],
      '/v1/responses': ['gpt-test', 'big-test', 'up-openai/big-test', 'up-backup/gpt-test'],
      '/v1/embeddings': ['embed-test', 'up-openai/embed-test'],
      '/v1/messages': ['claude-test', 'up-anthropic/claude-test'],
    };
    const rest: Record<Path, string[]> = {
      '/v1/chat/completions': [MSG, '"stream":false', '"temperature":0.5', '"str\\u0065am":false'],
      '/v1/responses': ['"input":"hi"', '"temperature":0.5'],
      '/v1/embeddings': ['"input":"hi"', '"input":["a","b"]'],
      '/v1/messages': [MSG, '"max_tokens":20', '"max_t\\u006fkens":30'],
    };
    const path = fc.constantFrom<Path>(
      '/v1/chat/completions',
      '/v1/responses',
      '/v1/embeddings',
      '/v1/messages',
    );
    const body = path.chain((p) =>
      fc.record({
        path: fc.constant(p),
        models: fc.array(fc.tuple(fc.constantFrom(...spellings), fc.constantFrom(...values[p]!)), {
          minLength: 1,
          maxLength: 4,
        }),
        others: fc.shuffledSubarray(rest[p]!),
        seed: fc.nat(),
      }),
    );
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(body, async ({ path: p, models, others, seed }) => {
        env.up.reset();
        // Required fields go last, so each body is valid apart from its keys.
        const required =
          p === '/v1/messages'
            ? [MSG, '"max_tokens":20']
            : p === '/v1/chat/completions'
              ? [MSG]
              : ['"input":"hi"'];
        const members = [...models.map(([k, v]) => `${k}:${JSON.stringify(v)}`), ...others];
        const rotated = members.slice(seed % members.length).concat(members.slice(0, seed % members.length));
        const raw = `{${[...rotated, ...required].join(',')}}`;
        const res = await send(p, raw);
        if (res.status === 400) return;
        expect(res.status, `${raw} → ${res.text}`).toBe(200);
        answered++;
        const row = await usageRow(res.requestId);
        expect(received().model, raw).toBe(row!.modelId);
      }),
      { numRuns: 120 },
    );
    expect(answered).toBeGreaterThan(0);
  }, 120_000);
});
