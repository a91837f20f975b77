// Data protection on the proxy path, through a real HTTP mock upstream: the provider never receives a protected
// value (both client formats, every endpoint, system prompts, tool calls and results), the client gets its values
// back (whole answers and streams split inside a placeholder), block mode answers the policy error without an
// upstream call, and nothing raw reaches the request log, the usage table, the activity log, the server log or a
// dump of the database.
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateGatewayKey } from '../lib/key-format.js';
import { testDbKind } from '../test/db.js';
import { createProxyEnv, MASTER_KEY, type ProxyEnv } from '../test/proxy-env.js';

type Obj = Record<string, unknown>;

const EMAIL = 'jane.doe@example.com';
const PHONE = '+44 20 7946 0958';
const SSN = '219-09-9999';
const CARD = '4111 1111 1111 1111';
const VALUES = [EMAIL, PHONE, SSN, CARD, 'jane.doe', '7946 0958', '4111111111111111', '1111 1111'];

const DP = '/api/v1/llm/data-protection';

let env: ProxyEnv;
let admin: string;
let orgId: string;
/** A key of a second user, in no organization: nothing protects its calls. */
let plainKey: string;
const logLines: string[] = [];

const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  env = await createProxyEnv({
    logDestination: new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    }),
    env: { LOG_LEVEL: 'debug' },
  });
  const { t } = env;
  const p = t.app.ctx.prisma;
  admin = await t.tokenFor('admin');
  const org = await p.organization.create({ data: { name: 'Acme', slug: 'acme-dlp' } });
  orgId = org.id;
  await p.organizationMember.create({ data: { orgId, userId: env.ids.user, role: 'member' } });
  const other = await t.createUser('user');
  const k = generateGatewayKey();
  await p.gatewayKey.create({
    data: { keyHash: k.hash, prefix: k.prefix, name: 'plain', ownerType: 'user', userId: other.id },
  });
  plainKey = k.key;
  await t.app.routing.reload();
  // Protection on for the user's org (the default policy: every detector masks), request bodies logged.
  await t.http.patch(`${DP}/status/org:${orgId}`).set(as(admin)).send({ enabled: true }).expect(200);
  await t.http.put('/api/v1/llm/settings').set(as(admin)).send({ bodyLogging: true }).expect(200);
  await t.app.routing.reload();
}, 180_000);
afterAll(async () => {
  await env?.close();
});
beforeEach(() => env.up.reset());

async function call(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}`, ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { res, text, json: () => JSON.parse(text) as Obj };
}

/** What the provider received, as text (body and headers). */
function upstreamSaw(): string {
  expect(env.up.requests.length, 'the provider was called').toBeGreaterThan(0);
  return env.up.requests.map((r) => r.raw.toString('utf8') + JSON.stringify(r.headers)).join('\n');
}

function expectNoValues(text: string, where: string) {
  for (const v of VALUES) expect(text, `${where} holds "${v}"`).not.toContain(v);
}

/** The text of a client-format SSE stream (OpenAI chat deltas, Anthropic text deltas or Responses deltas). */
function streamedText(sse: string): string {
  let out = '';
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const ev = JSON.parse(line.slice(6)) as Obj;
    const choice = (ev.choices as Obj[] | undefined)?.[0];
    const delta = choice?.delta as Obj | undefined;
    if (typeof delta?.content === 'string') out += delta.content;
    if (ev.type === 'content_block_delta' && typeof (ev.delta as Obj).text === 'string')
      out += (ev.delta as Obj).text as string;
    if (ev.type === 'response.output_text.delta' && typeof ev.delta === 'string') out += ev.delta;
  }
  return out;
}

const chatBody = (model: string, extra: Obj = {}) => ({
  model,
  messages: [
    { role: 'system', content: `You assist ${EMAIL}.` },
    { role: 'user', content: `Call me on ${PHONE}; my SSN is ${SSN}.` },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'lookup', arguments: JSON.stringify({ email: EMAIL }) },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: `Card on file: ${CARD}` },
    { role: 'user', content: `Write to ${EMAIL} please.` },
  ],
  tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }],
  ...extra,
});

const messagesBody = (model: string, extra: Obj = {}) => ({
  model,
  max_tokens: 100,
  system: [{ type: 'text', text: `You assist ${EMAIL}.` }],
  messages: [
    { role: 'user', content: [{ type: 'text', text: `Call me on ${PHONE}; my SSN is ${SSN}.` }] },
    {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'tu_1', name: 'lookup', input: { email: EMAIL } }],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'tu_1', content: `Card on file: ${CARD}` },
        { type: 'text', text: `Write to ${EMAIL} please.` },
      ],
    },
  ],
  ...extra,
});

describe('the provider never receives a protected value', () => {
  it('OpenAI chat, whole answer: system, user, tool call arguments and tool results are masked; the answer gets its values back', async () => {
    env.up.script({ text: 'I will write to [EMAIL_1] and call [PHONE_1].' });
    const r = await call('/v1/chat/completions', chatBody('up-openai/gpt-test'));
    expect(r.res.status, r.text).toBe(200);
    const saw = upstreamSaw();
    expectNoValues(saw, 'the upstream request');
    const sent = env.up.requests[0]!.body as { messages: { content: unknown }[] };
    expect(sent.messages[0]!.content).toBe('You assist [EMAIL_1].');
    expect(sent.messages[1]!.content).toBe('Call me on [PHONE_1]; my SSN is [SSN_1].');
    expect(sent.messages[3]!.content).toBe('Card on file: [CARD_1]');
    // The same value gets the same placeholder across the request.
    expect(sent.messages[4]!.content).toBe('Write to [EMAIL_1] please.');
    expect(saw).toContain('\\"email\\":\\"[EMAIL_1]\\"');
    const answer = r.json() as { choices: { message: { content: string } }[] };
    expect(answer.choices[0]!.message.content).toBe(`I will write to ${EMAIL} and call ${PHONE}.`);
  });

  it('OpenAI chat, stream split inside a placeholder: the client reads its values, never a placeholder', async () => {
    env.up.script({ pieces: ['Writing to [EM', 'AIL_1', '] and [PH', 'ONE_1]', ' now.'] });
    const r = await call('/v1/chat/completions', chatBody('up-openai/gpt-test', { stream: true }));
    expect(r.res.status, r.text).toBe(200);
    expectNoValues(upstreamSaw(), 'the upstream request');
    expect(streamedText(r.text)).toBe(`Writing to ${EMAIL} and ${PHONE} now.`);
    expect(r.text).not.toContain('[EMAIL_1]');
    expect(r.text.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('OpenAI chat, streamed as lists of parts (some compatible servers) and split inside a placeholder: the client reads its values', async () => {
    const chunk = { id: 'chatcmpl-p', object: 'chat.completion.chunk', created: 1, model: 'gpt-test' };
    const delta = (content: unknown, finish: string | null = null) =>
      `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
    const text = (t: string) => [{ type: 'text', text: t }];
    env.up.script({
      path: '/chat/completions',
      events: [
        delta([
          { type: 'thinking', thinking: [{ type: 'text', text: 'Reply.' }] },
          ...text('Writing to [EM'),
        ]),
        delta(text('AIL_1] and [PHONE_1]')),
        delta(text(' now.'), 'stop'),
        'data: [DONE]\n\n',
      ],
      chunkDelayMs: 10,
    });
    const r = await call('/v1/chat/completions', chatBody('up-openai/gpt-test', { stream: true }));
    expect(r.res.status, r.text).toBe(200);
    let got = '';
    for (const line of r.text.split('\n')) {
      if (!line.startsWith('data: {')) continue;
      const d = ((JSON.parse(line.slice(6)) as { choices: Obj[] }).choices[0]?.delta ?? {}) as Obj;
      // The client's stream keeps the upstream's shape: its content comes as lists of parts.
      expect(typeof d.content === 'string', line).toBe(false);
      for (const p of (d.content ?? []) as Obj[]) if (p.type === 'text') got += p.text as string;
    }
    expect(got).toBe(`Writing to ${EMAIL} and ${PHONE} now.`);
    expect(r.text).not.toContain('[EMAIL_1]');
    expect(r.text).not.toContain('[PHONE_1]');
    expect(r.text.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('OpenAI chat, streamed reasoning (reasoning_content, reasoning) split inside a placeholder: restored like the answer; sent back, protected', async () => {
    const chunk = { id: 'chatcmpl-r', object: 'chat.completion.chunk', created: 1, model: 'gpt-test' };
    const delta = (d: Obj, finish: string | null = null) =>
      `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: d, finish_reason: finish }] })}\n\n`;
    env.up.script({
      path: '/chat/completions',
      events: [
        delta({ role: 'assistant', reasoning_content: 'They gave [EM' }),
        delta({ reasoning_content: 'AIL_1] and [PHO' }),
        delta({ reasoning_content: 'NE_1].', reasoning: 'Mail [EMAIL_1' }),
        delta({ reasoning: '].', content: 'Done.' }, 'stop'),
        'data: [DONE]\n\n',
      ],
      chunkDelayMs: 10,
    });
    const r = await call('/v1/chat/completions', chatBody('up-openai/gpt-test', { stream: true }));
    expect(r.res.status, r.text).toBe(200);
    const field = (k: string) =>
      r.text
        .split('\n')
        .filter((l) => l.startsWith('data: {'))
        .map(
          (l) => ((JSON.parse(l.slice(6)) as { choices: Obj[] }).choices[0]?.delta as Obj | undefined)?.[k],
        )
        .filter((v): v is string => typeof v === 'string')
        .join('');
    expect(field('reasoning_content')).toBe(`They gave ${EMAIL} and ${PHONE}.`);
    expect(field('reasoning')).toBe(`Mail ${EMAIL}.`);
    expect(r.text).not.toMatch(/\[(EMAIL|PHONE)_1\]/);

    // The client sends that reasoning back with the conversation: the provider gets placeholders, not values.
    env.up.reset();
    const back = chatBody('up-openai/gpt-test');
    back.messages.push({
      role: 'assistant',
      content: 'Done.',
      reasoning_content: field('reasoning_content'),
    } as never);
    const again = await call('/v1/chat/completions', back);
    expect(again.res.status, again.text).toBe(200);
    expectNoValues(upstreamSaw(), 'the upstream request');
  });

  it('Anthropic messages to an Anthropic upstream, whole and streamed', async () => {
    env.up.script({ text: 'Noted: [EMAIL_1].' });
    const whole = await call('/v1/messages', messagesBody('up-anthropic/claude-test'));
    expect(whole.res.status, whole.text).toBe(200);
    expectNoValues(upstreamSaw(), 'the upstream request');
    const sent = env.up.requests[0]!.body as { system: { text: string }[]; messages: Obj[] };
    expect(sent.system[0]!.text).toBe('You assist [EMAIL_1].');
    expect(JSON.stringify(sent.messages[1])).toContain('[EMAIL_1]');
    expect(JSON.stringify(sent.messages[2])).toContain('Card on file: [CARD_1]');
    expect((whole.json().content as { text: string }[])[0]!.text).toBe(`Noted: ${EMAIL}.`);

    env.up.reset();
    env.up.script({ pieces: ['Noted: [', 'EMAIL_', '1].'] });
    const streamed = await call('/v1/messages', messagesBody('up-anthropic/claude-test', { stream: true }));
    expect(streamed.res.status, streamed.text).toBe(200);
    expectNoValues(upstreamSaw(), 'the upstream request');
    expect(streamedText(streamed.text)).toBe(`Noted: ${EMAIL}.`);
    expect(streamed.text).toContain('event: message_stop');
  });

  it('Anthropic messages translated to an OpenAI upstream, streamed', async () => {
    env.up.script({ pieces: ['Call [PHO', 'NE_1] today.'] });
    const r = await call('/v1/messages', messagesBody('up-openai/gpt-test', { stream: true }));
    expect(r.res.status, r.text).toBe(200);
    expectNoValues(upstreamSaw(), 'the upstream request');
    expect(streamedText(r.text)).toBe(`Call ${PHONE} today.`);
  });

  it('Responses, embeddings and count_tokens are protected too', async () => {
    env.up.script({ text: 'Mail [EMAIL_1].' });
    const resp = await call('/v1/responses', {
      model: 'up-openai/gpt-test',
      instructions: `You assist ${EMAIL}.`,
      input: [{ role: 'user', content: [{ type: 'input_text', text: `My SSN is ${SSN}.` }] }],
    });
    expect(resp.res.status, resp.text).toBe(200);
    expect(resp.text).toContain(`Mail ${EMAIL}.`);
    expect(resp.text).not.toContain('[EMAIL_1]');

    const emb = await call('/v1/embeddings', { model: 'up-openai/embed-test', input: [`Reach ${EMAIL}`] });
    expect(emb.res.status, emb.text).toBe(200);

    const ct = await call(
      '/v1/messages/count_tokens',
      { model: 'up-anthropic/claude-test', messages: [{ role: 'user', content: `SSN ${SSN}` }] },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(ct.res.status, ct.text).toBe(200);
    expect(env.up.requests.map((q) => q.path)).toEqual([
      '/v1/responses',
      '/v1/embeddings',
      '/v1/messages/count_tokens',
    ]);
    expectNoValues(upstreamSaw(), 'the upstream requests');
  });

  it('a caller no policy covers is passed through untouched (the control)', async () => {
    const r = await call('/v1/chat/completions', chatBody('up-openai/gpt-test'), {
      authorization: `Bearer ${plainKey}`,
    });
    expect(r.res.status, r.text).toBe(200);
    expect(upstreamSaw()).toContain(EMAIL);
  });
});

describe('values in places a walker could miss', () => {
  it("a key repeated inside a message: the bytes that go upstream are the ones scanned, not the client's", async () => {
    // JSON.parse keeps the last `content`; the client's bytes also carry the first one, which was never scanned.
    const raw = `{"model":"up-openai/gpt-test","messages":[{"role":"user","content":"Mail ${EMAIL}","content":"Hi"}]}`;
    const res = await fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
      body: raw,
    });
    expect(res.status, await res.text()).toBe(200);
    expectNoValues(upstreamSaw(), 'the upstream request');
  });

  it("a predicted output (chat), a reusable prompt's variables (Responses), a document's content, title and context (messages)", async () => {
    const chat = await call('/v1/chat/completions', {
      model: 'up-openai/gpt-test',
      messages: [{ role: 'user', content: 'Rewrite the note.' }],
      prediction: { type: 'content', content: `Note for ${EMAIL}` },
    });
    expect(chat.res.status, chat.text).toBe(200);
    const responses = await call('/v1/responses', {
      model: 'up-openai/gpt-test',
      input: 'Greet the customer.',
      prompt: {
        id: 'pmpt_1',
        variables: { customer: EMAIL, card: { type: 'input_text', text: `Card ${CARD}` } },
      },
    });
    expect(responses.res.status, responses.text).toBe(200);
    const messages = await call('/v1/messages', {
      model: 'up-anthropic/claude-test',
      max_tokens: 50,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              source: { type: 'content', content: [{ type: 'text', text: `SSN ${SSN}` }] },
              title: `Letter to ${EMAIL}`,
              context: `Call ${PHONE}`,
            },
            { type: 'text', text: 'Summarise it.' },
          ],
        },
      ],
    });
    expect(messages.res.status, messages.text).toBe(200);
    expect(env.up.requests).toHaveLength(3);
    expectNoValues(upstreamSaw(), 'the upstream requests');
    const sent = env.up.requests[2]!.body as { messages: { content: Obj[] }[] };
    expect(sent.messages[0]!.content[0]!.title).toBe('Letter to [EMAIL_1]');
  });
  it('a value disguised with zero-width characters, a soft hyphen or full-width forms is masked, and comes back as written', async () => {
    const disguised = [
      'jane.doe\u200b@exam\u200dple.com',
      'jane.doe\uff20example.com',
      '\uff12\uff11\uff19-\uff10\uff19-\uff19\uff19\uff19\uff19',
      '4111\u00ad1111\u20601111\ufeff1111',
    ];
    env.up.script({ text: 'Noted [EMAIL_1], [EMAIL_2], [SSN_1] and [CARD_1].' });
    const r = await call('/v1/chat/completions', {
      model: 'up-openai/gpt-test',
      messages: [{ role: 'user', content: `Keep ${disguised.join(', ')}.` }],
    });
    expect(r.res.status, r.text).toBe(200);
    const sent = (env.up.requests[0]!.body as { messages: { content: string }[] }).messages[0]!.content;
    expect(sent).toBe('Keep [EMAIL_1], [EMAIL_2], [SSN_1], [CARD_1].');
    const answer = r.json() as { choices: { message: { content: string } }[] };
    expect(answer.choices[0]!.message.content).toBe(
      `Noted ${disguised[0]}, ${disguised[1]}, ${disguised[2]} and ${disguised[3]}.`,
    );
  });

  it('a value in a field the gateway does not know, on the body or on a message, is protected (fail closed)', async () => {
    const chat = await call('/v1/chat/completions', {
      model: 'up-openai/gpt-test',
      note: `From ${EMAIL}`,
      messages: [{ role: 'user', content: 'Hello.', note: { phone: PHONE } }],
    });
    expect(chat.res.status, chat.text).toBe(200);
    const messages = await call('/v1/messages', {
      model: 'up-anthropic/claude-test',
      max_tokens: 50,
      note: `SSN ${SSN}`,
      messages: [{ role: 'user', content: 'Hello.', note: CARD }],
    });
    expect(messages.res.status, messages.text).toBe(200);
    expect(env.up.requests).toHaveLength(2);
    expectNoValues(upstreamSaw(), 'the upstream requests');
    expect((env.up.requests[0]!.body as Obj).note).toBe('From [EMAIL_1]');
  });

  it('a value used as a key of tool call arguments or of a tool_use input is protected like one in a value', async () => {
    const chat = await call('/v1/chat/completions', {
      model: 'up-openai/gpt-test',
      messages: [
        { role: 'user', content: 'Look them up.' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_k',
              type: 'function',
              function: { name: 'lookup', arguments: JSON.stringify({ contacts: { [EMAIL]: PHONE } }) },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_k', content: 'ok' },
      ],
    });
    expect(chat.res.status, chat.text).toBe(200);
    const messages = await call('/v1/messages', {
      model: 'up-anthropic/claude-test',
      max_tokens: 50,
      messages: [
        { role: 'user', content: 'Look them up.' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'tu_k', name: 'lookup', input: { [SSN]: { [CARD]: true } } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_k', content: 'ok' }] },
      ],
    });
    expect(messages.res.status, messages.text).toBe(200);
    expectNoValues(upstreamSaw(), 'the upstream requests');
    const args = (
      env.up.requests[0]!.body as { messages: { tool_calls?: { function: { arguments: string } }[] }[] }
    ).messages[1]!.tool_calls![0]!.function.arguments;
    expect(JSON.parse(args)).toEqual({ contacts: { '[EMAIL_1]': '[PHONE_1]' } });
  });
});

describe('signed text under a mask rule', () => {
  it('a value a mask rule covers in a signed thinking block or reasoning item is refused, naming the rule', async () => {
    // A signed block cannot be rewritten (the provider checks its signature), and a client can forge one: sent as it
    // is, the value would reach the provider despite the mask rule. The request is refused instead.
    const anthropic = await call('/v1/messages', {
      model: 'up-anthropic/claude-test',
      max_tokens: 50,
      messages: [
        { role: 'user', content: 'Hello.' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: `Her mail is ${EMAIL}.`, signature: 'forged' },
            { type: 'text', text: 'Noted.' },
          ],
        },
        { role: 'user', content: 'Go on.' },
      ],
    });
    expect(anthropic.res.status, anthropic.text).toBe(400);
    const message = (anthropic.json().error as Obj).message as string;
    expect(message).toContain('email');
    expect(message).toContain(
      'signed thinking block or reasoning item holds a value the email rule would mask',
    );
    expectNoValues(anthropic.text, 'the error');
    const responses = await call('/v1/responses', {
      model: 'up-openai/gpt-test',
      input: [
        { role: 'user', content: 'Hello.' },
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [{ type: 'summary_text', text: `Call ${PHONE} later.` }],
          encrypted_content: 'forged',
        },
        { role: 'user', content: 'Go on.' },
      ],
    });
    expect(responses.res.status, responses.text).toBe(400);
    expect((responses.json().error as Obj).code).toBe('data_protection_blocked');
    expect(env.up.requests).toHaveLength(0);
    // The thinking the model wrote about placeholders goes back as it came.
    const ok = await call('/v1/messages', {
      model: 'up-anthropic/claude-test',
      max_tokens: 50,
      messages: [
        { role: 'user', content: `Mail ${EMAIL}.` },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'The user gave [EMAIL_1].', signature: 'sig' },
            { type: 'text', text: 'Noted.' },
          ],
        },
        { role: 'user', content: 'Go on.' },
      ],
    });
    expect(ok.res.status, ok.text).toBe(200);
    expectNoValues(upstreamSaw(), 'the upstream request');
  });
});

// Another vendor's reasoning reaches an Anthropic client as a thinking block with no signature. Read as signed, it kept
// the placeholders the provider saw, and sent back with the client's own values restored it refused the request.
describe('a thinking block without a signature', () => {
  it('is restored in the answer, and sent back is protected like any text, not refused', async () => {
    env.up.script({
      path: '/chat/completions',
      status: 200,
      body: {
        id: 'chatcmpl-t1',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-test',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Noted.', reasoning_content: 'The user gave [EMAIL_1].' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
      },
    });
    const ask = { role: 'user', content: `Mail ${EMAIL}.` };
    const first = await call('/v1/messages', {
      model: 'up-openai/gpt-test',
      max_tokens: 50,
      messages: [ask],
    });
    expect(first.res.status, first.text).toBe(200);
    const content = first.json().content as Obj[];
    expect(content[0]).toEqual({ type: 'thinking', thinking: `The user gave ${EMAIL}.`, signature: '' });
    env.up.reset();
    const next = await call('/v1/messages', {
      model: 'up-anthropic/claude-test',
      max_tokens: 50,
      messages: [ask, { role: 'assistant', content }, { role: 'user', content: 'Go on.' }],
    });
    expect(next.res.status, next.text).toBe(200);
    expectNoValues(upstreamSaw(), 'the upstream request');
  });
});

// The Responses twin: another format's reasoning reaches a Responses client as a reasoning item the gateway made (id
// rs_tr_…). Read as signed, a whole answer's summary kept the provider's placeholders, and sent back with the client's
// own values it refused the next request.
describe('a reasoning item the gateway made (rs_tr_)', () => {
  it('is restored in a whole answer, and sent back is protected like any text, not refused', async () => {
    env.up.script({ path: '/messages', reasoning: 'The user gave [EMAIL_1].' });
    const ask = { role: 'user', content: `Mail ${EMAIL}.` };
    const first = await call('/v1/responses', {
      model: 'up-anthropic/claude-test',
      reasoning: { effort: 'low' },
      input: [ask],
    });
    expect(first.res.status, first.text).toBe(200);
    expectNoValues(upstreamSaw(), 'the upstream request');
    const output = first.json().output as Obj[];
    const item = output.find((o) => o.type === 'reasoning')!;
    expect(String(item.id)).toMatch(/^rs_tr_/);
    expect(item.summary).toEqual([{ type: 'summary_text', text: `The user gave ${EMAIL}.` }]);
    expect(first.text).not.toContain('[EMAIL_1]');
    env.up.reset();
    const next = await call('/v1/responses', {
      model: 'up-anthropic/claude-test',
      input: [ask, ...output, { role: 'user', content: 'Go on.' }],
    });
    expect(next.res.status, next.text).toBe(200);
    expectNoValues(upstreamSaw(), 'the upstream request');
  });
});

// Reasoning translated from another format is the gateway's own text, unsigned: a stream restores it like the answer's
// text (it came with the provider's placeholders in it); Claude's signed thinking relayed to an Anthropic client is
// left as signed.
describe('streamed reasoning', () => {
  /** The text of every event of one kind in a client-format SSE stream, as `pick` reads it. */
  const eventsText = (sse: string, pick: (ev: Obj) => unknown): string =>
    sse
      .split('\n')
      .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
      .map((l) => pick(JSON.parse(l.slice(6)) as Obj))
      .filter((t): t is string => typeof t === 'string')
      .join('');
  const ask = { role: 'user', content: `Mail ${EMAIL}.` };

  it('an Anthropic client streaming from an OpenAI-compatible upstream reads its values in the thinking', async () => {
    env.up.script({ path: '/chat/completions', reasoning: 'The user gave [EMAIL_1].' });
    const r = await call('/v1/messages', {
      model: 'up-openai/gpt-test',
      max_tokens: 50,
      stream: true,
      messages: [ask],
    });
    expect(r.res.status, r.text).toBe(200);
    expectNoValues(upstreamSaw(), 'the upstream request');
    const thinking = eventsText(r.text, (ev) =>
      ev.type === 'content_block_delta' ? (ev.delta as Obj).thinking : undefined,
    );
    expect(thinking).toBe(`The user gave ${EMAIL}.`);
    expect(r.text).not.toContain('[EMAIL_1]');
  });

  it('split inside a placeholder, the thinking still reads its values, released before the block closes', async () => {
    const chunk = { id: 'chatcmpl-r', object: 'chat.completion.chunk', created: 1, model: 'gpt-test' };
    const delta = (d: Obj, finish: string | null = null) =>
      `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: d, finish_reason: finish }] })}\n\n`;
    env.up.script({
      path: '/chat/completions',
      events: [
        delta({ role: 'assistant', reasoning_content: 'The user gave [EM' }),
        delta({ reasoning_content: 'AIL_1' }),
        delta({ reasoning_content: '] and [EMAIL_' }),
        delta({ content: 'Noted.' }),
        delta({}, 'stop'),
        'data: [DONE]\n\n',
      ],
      chunkDelayMs: 10,
    });
    const r = await call('/v1/messages', {
      model: 'up-openai/gpt-test',
      max_tokens: 50,
      stream: true,
      messages: [ask],
    });
    expect(r.res.status, r.text).toBe(200);
    const thinking = eventsText(r.text, (ev) =>
      ev.type === 'content_block_delta' ? (ev.delta as Obj).thinking : undefined,
    );
    expect(thinking).toBe(`The user gave ${EMAIL} and [EMAIL_`);
    expect(r.text).not.toContain('[EMAIL_1]');
    expect(r.text.indexOf('[EMAIL_')).toBeLessThan(r.text.indexOf('"text_delta"'));
    expect(streamedText(r.text)).toBe('Noted.');
  });

  it('an OpenAI chat client streaming from Claude reads its values in the reasoning', async () => {
    env.up.script({ path: '/messages', reasoning: 'The user gave [EMAIL_1].' });
    const r = await call('/v1/chat/completions', {
      model: 'up-anthropic/claude-test',
      stream: true,
      messages: [ask],
    });
    expect(r.res.status, r.text).toBe(200);
    const reasoning = eventsText(
      r.text,
      (ev) => ((ev.choices as Obj[] | undefined)?.[0]?.delta as Obj | undefined)?.reasoning_content,
    );
    expect(reasoning).toBe(`The user gave ${EMAIL}.`);
    // Claude's signed thinking, which the client sends back for the next turn (reasoning_details), is given as it
    // was signed (a restored value would break its signature, and reach the provider): there only.
    const signed = r.text.split('\n').find((l) => l.includes('"reasoning_details"'))!;
    const delta = (JSON.parse(signed.slice('data: '.length)) as { choices: Array<{ delta: Obj }> })
      .choices[0]!.delta;
    expect((delta.reasoning_details as Obj[])[0]!.text).toBe('The user gave [EMAIL_1].');
    expect(r.text.replace(signed, '')).not.toContain('[EMAIL_1]');
  });

  it('a Responses client streaming from Claude reads its values in the reasoning summary', async () => {
    env.up.script({ path: '/messages', reasoning: 'The user gave [EMAIL_1].' });
    const r = await call('/v1/responses', {
      model: 'up-anthropic/claude-test',
      stream: true,
      reasoning: { effort: 'low' },
      input: [ask],
    });
    expect(r.res.status, r.text).toBe(200);
    const summary = eventsText(r.text, (ev) =>
      ev.type === 'response.reasoning_summary_text.delta' ? ev.delta : undefined,
    );
    expect(summary).toBe(`The user gave ${EMAIL}.`);
    // The summary's done events, the item and the completed response say it the same way.
    expect(r.text).not.toContain('[EMAIL_1]');
    expect(r.text).toContain('response.completed');
  });

  it("Claude's signed thinking streamed to an Anthropic client is relayed as signed", async () => {
    env.up.script({ path: '/messages', reasoning: 'The user gave [EMAIL_1].' });
    const r = await call('/v1/messages', {
      model: 'up-anthropic/claude-test',
      max_tokens: 50,
      stream: true,
      messages: [ask],
    });
    expect(r.res.status, r.text).toBe(200);
    const thinking = eventsText(r.text, (ev) =>
      ev.type === 'content_block_delta' ? (ev.delta as Obj).thinking : undefined,
    );
    expect(thinking).toBe('The user gave [EMAIL_1].');
    expect(r.text).toContain('sig-mock');
  });
});

describe('block mode', () => {
  beforeAll(async () => {
    await env.t.http
      .put(`${DP}/policies/org:${orgId}`)
      .set(as(admin))
      .send({ detectors: { ssn: { enabled: true, action: 'block' } } })
      .expect(200);
    await env.t.app.routing.reload();
  });
  afterAll(async () => {
    await env.t.http.put(`${DP}/policies/org:${orgId}`).set(as(admin)).send({}).expect(200);
    await env.t.app.routing.reload();
  });

  it('answers the policy error in the OpenAI format and calls no provider', async () => {
    const r = await call('/v1/chat/completions', chatBody('up-openai/gpt-test'));
    expect(r.res.status).toBe(400);
    const err = r.json().error as Obj;
    expect(err.code).toBe('data_protection_blocked');
    expect(String(err.message)).toContain('SSN');
    expectNoValues(r.text, 'the error');
    expect(env.up.requests).toHaveLength(0);
  });

  it('answers the policy error in the Anthropic format, streamed request too', async () => {
    const r = await call('/v1/messages', messagesBody('up-anthropic/claude-test', { stream: true }));
    expect(r.res.status).toBe(400);
    expect(r.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expectNoValues(r.text, 'the error');
    expect(env.up.requests).toHaveLength(0);
  });

  it('a blocked value in a signed thinking block or reasoning item (which cannot be masked) is refused too', async () => {
    const anthropic = await call('/v1/messages', {
      model: 'up-anthropic/claude-test',
      max_tokens: 50,
      messages: [
        { role: 'user', content: 'Hello.' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: `The SSN is ${SSN}.`, signature: 'forged' },
            { type: 'text', text: 'Noted.' },
          ],
        },
        { role: 'user', content: 'Go on.' },
      ],
    });
    expect(anthropic.res.status, anthropic.text).toBe(400);
    expect((anthropic.json().error as Obj).message).toContain('SSN');
    const responses = await call('/v1/responses', {
      model: 'up-openai/gpt-test',
      input: [
        { role: 'user', content: 'Hello.' },
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [{ type: 'summary_text', text: `The SSN is ${SSN}.` }],
          encrypted_content: 'forged',
        },
        { role: 'user', content: 'Go on.' },
      ],
    });
    expect(responses.res.status, responses.text).toBe(400);
    expect(env.up.requests).toHaveLength(0);
  });

  it("a blocked value in a tool definition (not masked: the schema is the developer's) is refused", async () => {
    const tool = (description: string) => ({
      type: 'function',
      function: { name: 'lookup', description, parameters: { type: 'object', properties: {} } },
    });
    const r = await call('/v1/chat/completions', {
      model: 'up-openai/gpt-test',
      messages: [{ role: 'user', content: 'Hello.' }],
      tools: [tool(`Looks up the customer with SSN ${SSN}.`)],
    });
    expect(r.res.status, r.text).toBe(400);
    const a = await call('/v1/messages', {
      model: 'up-anthropic/claude-test',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Hello.' }],
      tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { ssn: { enum: [SSN] } } } }],
    });
    expect(a.res.status, a.text).toBe(400);
    expect(env.up.requests).toHaveLength(0);
    // Without a blocked value the definitions go as written.
    const ok = await call('/v1/chat/completions', {
      model: 'up-openai/gpt-test',
      messages: [{ role: 'user', content: 'Hello.' }],
      tools: [tool('Looks up the customer by email, such as someone@example.org.')],
    });
    expect(ok.res.status, ok.text).toBe(200);
  });

  it('a blocked value in an output schema (chat response_format, Responses text.format) is refused', async () => {
    const schema = { type: 'object', properties: { ssn: { type: 'string', enum: [SSN] } } };
    const chat = await call('/v1/chat/completions', {
      model: 'up-openai/gpt-test',
      messages: [{ role: 'user', content: 'Hello.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema } },
    });
    expect(chat.res.status, chat.text).toBe(400);
    const responses = await call('/v1/responses', {
      model: 'up-openai/gpt-test',
      input: 'Hello.',
      text: { format: { type: 'json_schema', name: 'person', schema } },
    });
    expect(responses.res.status, responses.text).toBe(400);
    expect(env.up.requests).toHaveLength(0);
  });

  it('a blocked value in OpenAI metadata or a safety identifier is refused', async () => {
    for (const extra of [{ metadata: { customer: SSN } }, { safety_identifier: SSN }]) {
      const r = await call('/v1/chat/completions', {
        model: 'up-openai/gpt-test',
        messages: [{ role: 'user', content: 'Hello.' }],
        ...extra,
      });
      expect(r.res.status, JSON.stringify(extra)).toBe(400);
    }
    expect(env.up.requests).toHaveLength(0);
  });
});

describe('what is stored is the protected form', () => {
  let requestId = '';

  beforeAll(async () => {
    env.up.reset();
    env.up.script({ text: 'Sure, [EMAIL_1].' });
    const r = await call('/v1/chat/completions', chatBody('up-openai/gpt-test'));
    expect(r.res.status, r.text).toBe(200);
    requestId = r.res.headers.get('x-request-id')!;
    await env.flushUsage();
  });

  it('the usage record holds counts per rule and the trace line; the logged bodies hold placeholders', async () => {
    const rec = await env.t.app.ctx.prisma.usageRecord.findFirstOrThrow({ where: { requestId } });
    expect(rec.dlp).toEqual(
      expect.arrayContaining([
        { kind: 'email', rule: 'email', action: 'mask', count: 3 },
        { kind: 'phone', rule: 'phone', action: 'mask', count: 1 },
        { kind: 'ssn', rule: 'ssn', action: 'mask', count: 1 },
        { kind: 'card', rule: 'card', action: 'mask', count: 1 },
      ]),
    );
    const res = await env.t.http.get(`/api/v1/llm/logs/${rec.id}`).set(as(admin)).expect(200);
    const trace = res.body.trace as { dlp: Obj; bodies: { request: string; response: string } };
    expect(trace.dlp).toMatchObject({ scope: 'org', scopeName: 'Acme' });
    expect(String(trace.dlp.summary)).toMatch(/^dlp: 3 emails masked/);
    // The log entry's line carries the counts per rule, stored once (in the record's `dlp` column).
    expect(trace.dlp.findings).toEqual(rec.dlp);
    const stored = rec.trace as { dlp: Obj };
    expect(stored.dlp.findings).toBeUndefined();
    expect(trace.bodies.request).toContain('[EMAIL_1]');
    expect(trace.bodies.response).toContain('Sure, [EMAIL_1].');
    expectNoValues(JSON.stringify(res.body), 'the log entry');
  });

  it('the activity log has an entry per rule, with the request size and no value (one stored row)', async () => {
    const res = await env.t.http.get(`${DP}/activity?org=${orgId}`).set(as(admin)).expect(200);
    const rows = (res.body.data as { requestId: string; detail: string; sizeBytes?: number }[]).filter(
      (r) => r.requestId === requestId,
    );
    expect(rows.map((r) => r.detail).sort()).toEqual(
      ['1 SSN masked', '1 card number masked', '1 phone number masked', '3 emails masked'].sort(),
    );
    expectNoValues(JSON.stringify(res.body), 'the activity');
    expect(await env.t.app.ctx.prisma.dlpEvent.count({ where: { requestId } })).toBe(1);
  });

  it('no table of the database, and no server log line, holds a protected value', async () => {
    const prisma = env.t.app.ctx.prisma;
    const tables = await prisma.$queryRawUnsafe<{ table_name: string }[]>(
      `SELECT table_name::text AS table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((x) => x.table_name)).toEqual(expect.arrayContaining(['UsageRecord', 'DlpEvent']));
    for (const { table_name } of tables) {
      const rows = await prisma.$queryRawUnsafe<{ j: string }[]>(
        `SELECT row_to_json(t)::text AS j FROM "${table_name}" t`,
      );
      // The control call (a caller no policy covers) was logged as it was sent: the usage rows checked are the
      // protected user's (every one of them, blocked requests included).
      const checked =
        table_name === 'UsageRecord' ? rows.filter((r) => r.j.includes(`"userId":"${env.ids.user}"`)) : rows;
      if (table_name === 'UsageRecord') expect(checked.length).toBeGreaterThanOrEqual(8);
      expectNoValues(checked.map((r) => r.j).join('\n'), `table ${table_name}`);
    }
    expectNoValues(logLines.join(''), 'the server log');
  });

  // On the real PostgreSQL, the way an operator would look: pg_dump (PGlite is covered table by table above).
  if (testDbKind() === 'postgres')
    it('pg_dump of the PostgreSQL database holds no value of a protected request', async () => {
      const url = env.t.db.url!;
      const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', url], {
        maxBuffer: 256 * 1024 * 1024,
      });
      const lines = stdout.split('\n').filter((l) => l.includes(requestId));
      expect(lines.length).toBeGreaterThan(0);
      expectNoValues(lines.join('\n'), 'pg_dump');
    });
});

describe('the master key', () => {
  it('is protected by the global policy once it is switched on', async () => {
    const before = await call('/v1/chat/completions', chatBody('up-openai/gpt-test'), {
      authorization: `Bearer ${MASTER_KEY}`,
    });
    expect(before.res.status).toBe(200);
    expect(upstreamSaw()).toContain(EMAIL);
    await env.t.http.patch(`${DP}/status/global`).set(as(admin)).send({ enabled: true }).expect(200);
    await env.t.app.routing.reload();
    env.up.reset();
    const after = await call('/v1/chat/completions', chatBody('up-openai/gpt-test'), {
      authorization: `Bearer ${MASTER_KEY}`,
    });
    expect(after.res.status).toBe(200);
    expectNoValues(upstreamSaw(), 'the upstream request');
  });
});

// Claude's signed thinking given to a Responses client in the gateway's envelope (encrypted_content) is signed text:
// its placeholders are not restored (the signature signs them), so the item the client sends back is what Claude
// signed, and the next turn of its tool loop keeps Claude's thinking.
describe("Claude's signed thinking in a Responses client's tool loop", () => {
  const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} } }];
  const ask = { role: 'user', content: `What is the weather for ${EMAIL}?` };
  const turn = (input: unknown[], stream: boolean) => ({
    model: 'up-anthropic/claude-test',
    reasoning: { effort: 'low' },
    include: ['reasoning.encrypted_content'],
    tools,
    input,
    ...(stream ? { stream: true } : {}),
  });
  const thought = 'The user gave [EMAIL_1].';

  for (const stream of [false, true])
    it(`keeps the placeholder in the summary and gives Claude its block back${stream ? ', streamed' : ''}`, async () => {
      env.up.script({ path: '/messages', reasoning: thought });
      const r = await call('/v1/responses', turn([ask], stream));
      expect(r.res.status, r.text).toBe(200);
      const output = stream
        ? ((
            r.text
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => JSON.parse(l.slice(6)) as Obj)
              .find((ev) => ev.type === 'response.completed')!.response as Obj
          ).output as Obj[])
        : (r.json().output as Obj[]);
      const reasoning = output.find((it) => it.type === 'reasoning')!;
      expect(reasoning.summary).toEqual([{ type: 'summary_text', text: thought }]);
      expect(typeof reasoning.encrypted_content).toBe('string');
      expect(r.text).not.toContain(EMAIL.replace('@', '\\u0040'));
      const call1 = output.find((it) => it.type === 'function_call')!;
      const next = await call(
        '/v1/responses',
        turn(
          [ask, ...output, { type: 'function_call_output', call_id: call1.call_id, output: 'Sunny' }],
          stream,
        ),
      );
      expect(next.res.status, next.text).toBe(200);
      const sent = env.up.requests.at(-1)!.body as Obj;
      expect(sent.thinking).toBeDefined();
      const assistant = (sent.messages as Obj[]).find((m) => m.role === 'assistant')!;
      expect((assistant.content as Obj[])[0]).toMatchObject({ type: 'thinking', thinking: thought });
      expect(upstreamSaw()).not.toContain(EMAIL);
    });
});

// The same for a Chat Completions client (reasoning_details, see reasoning-details.ts): its reasoning_content is
// restored, its reasoning_details are Claude's signed text (placeholders kept), and the message it sends back gives
// Claude its block, with no value reaching the provider.
describe("Claude's signed thinking in a Chat client's tool loop", () => {
  const tools = [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
  ];
  const ask = { role: 'user', content: `What is the weather for ${EMAIL}?` };
  const turn = (messages: unknown[]) => ({
    model: 'up-anthropic/claude-test',
    reasoning_effort: 'low',
    max_tokens: 4000,
    tools,
    messages,
  });
  const thought = 'The user gave [EMAIL_1].';

  it('restores reasoning_content, keeps the signed text, and gives Claude its block back', async () => {
    env.up.script({ path: '/messages', reasoning: thought });
    const r = await call('/v1/chat/completions', turn([ask]));
    expect(r.res.status, r.text).toBe(200);
    const message = (r.json().choices as Obj[])[0]!.message as Obj;
    expect(message.reasoning_content).toBe(`The user gave ${EMAIL}.`);
    expect((message.reasoning_details as Obj[])[0]!.text).toBe(thought);
    const toolCall = (message.tool_calls as Obj[])[0]!;
    const next = await call(
      '/v1/chat/completions',
      turn([ask, message, { role: 'tool', tool_call_id: toolCall.id, content: 'Sunny' }]),
    );
    expect(next.res.status, next.text).toBe(200);
    const sent = env.up.requests.at(-1)!.body as Obj;
    expect(sent.thinking).toBeDefined();
    const assistant = (sent.messages as Obj[]).find((m) => m.role === 'assistant')!;
    expect((assistant.content as Obj[])[0]).toMatchObject({ type: 'thinking', thinking: thought });
    expect(upstreamSaw()).not.toContain(EMAIL);
  });
});
