import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProxyEnv, postAs, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

// A file named by its id (Anthropic's Files API `file_id`, OpenAI's `file_id`) is stored with the vendor it was
// uploaded to: only that vendor's API can read it. Translated for another provider, the part was dropped without a
// word, and the model answered as if no document had been sent. Now such a request is refused (400, the caller's
// to fix: send the file inline, or route to the vendor that holds it), and the vendor's own format still carries it.

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => resetProxyEnv(env));

const post = (path: string, body: object) => postAs(env, path, body);

const anthropicDoc = (model: string, source: object) => ({
  model,
  max_tokens: 50,
  messages: [
    {
      role: 'user',
      content: [
        { type: 'document', source, title: 'Q3 report' },
        { type: 'text', text: 'Summarise the report.' },
      ],
    },
  ],
});

const chatFile = (model: string, file: object) => ({
  model,
  max_tokens: 50,
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Summarise the report.' },
        { type: 'file', file },
      ],
    },
  ],
});

async function expectRefused(r: Response, what: RegExp) {
  const text = await r.text();
  expect(r.status, text).toBe(400);
  expect(text).toMatch(/file_id/);
  expect(text).toMatch(what);
  expect(env.up.requests).toHaveLength(0);
}

describe('a file by id reaches only the vendor that holds it', () => {
  it('an Anthropic file_id document routed to an OpenAI-format provider is refused, not dropped', async () => {
    const r = await post(
      '/v1/messages',
      anthropicDoc('up-openai/gpt-test', { type: 'file', file_id: 'file_011CNha8iCJcU1wXNR6q4V8w' }),
    );
    await expectRefused(r, /inline|base64/i);
  });

  it('an Anthropic file_id image routed to an OpenAI-format provider is refused, not dropped', async () => {
    const r = await post('/v1/messages', {
      model: 'up-openai/gpt-test',
      max_tokens: 50,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'file', file_id: 'file_011CPMxVD3fHLUhvTqtsQA5w' } },
            { type: 'text', text: 'What is in this picture?' },
          ],
        },
      ],
    });
    await expectRefused(r, /inline|base64/i);
  });

  it('an Anthropic file_id document on Anthropic itself goes as it came', async () => {
    const r = await post(
      '/v1/messages',
      anthropicDoc('up-anthropic/claude-test', { type: 'file', file_id: 'file_011CNha8iCJcU1wXNR6q4V8w' }),
    );
    expect(r.status, await r.clone().text()).toBe(200);
    const sent = env.up.requests.at(-1)!.body as { messages: { content: { source?: object }[] }[] };
    expect(sent.messages[0]!.content[0]!.source).toEqual({
      type: 'file',
      file_id: 'file_011CNha8iCJcU1wXNR6q4V8w',
    });
  });

  it("a chat client's OpenAI file_id routed to Anthropic is refused, not dropped", async () => {
    const r = await post(
      '/v1/chat/completions',
      chatFile('up-anthropic/claude-test', { file_id: 'file-abc123' }),
    );
    await expectRefused(r, /inline|base64/i);
  });

  it("a chat client's OpenAI file_id on an OpenAI-format provider goes as it came", async () => {
    const r = await post('/v1/chat/completions', chatFile('up-openai/gpt-test', { file_id: 'file-abc123' }));
    expect(r.status, await r.clone().text()).toBe(200);
    const sent = env.up.requests.at(-1)!.body as { messages: { content: { file?: object }[] }[] };
    expect(sent.messages[0]!.content[1]!.file).toEqual({ file_id: 'file-abc123' });
  });

  it('an inline document still goes to any provider', async () => {
    const data = Buffer.from('%PDF-1.4 tiny').toString('base64');
    const r = await post(
      '/v1/messages',
      anthropicDoc('up-openai/gpt-test', { type: 'base64', media_type: 'application/pdf', data }),
    );
    expect(r.status, await r.clone().text()).toBe(200);
    expect(JSON.stringify(env.up.requests.at(-1)!.body)).toContain(data);
  });

  const responsesWith = (model: string, part: object) => ({
    model,
    max_output_tokens: 50,
    input: [
      {
        role: 'user',
        content: [{ type: 'input_text', text: 'Summarise the report.' }, part],
      },
    ],
  });

  it("a Responses client's input_file by file_id routed to Anthropic is refused, not dropped", async () => {
    const r = await post(
      '/v1/responses',
      responsesWith('up-anthropic/claude-test', { type: 'input_file', file_id: 'file-abc123' }),
    );
    await expectRefused(r, /inline|base64/i);
  });

  it("a Responses client's input_image by file_id routed to Anthropic is refused, not dropped", async () => {
    const r = await post(
      '/v1/responses',
      responsesWith('up-anthropic/claude-test', { type: 'input_image', file_id: 'file-img123' }),
    );
    await expectRefused(r, /inline|base64/i);
  });

  it("a Responses client's input_file by file_id reaches an OpenAI-format provider", async () => {
    const r = await post(
      '/v1/responses',
      responsesWith('up-openai/gpt-test', { type: 'input_file', file_id: 'file-abc123', filename: 'q3.pdf' }),
    );
    expect(r.status, await r.clone().text()).toBe(200);
    expect(JSON.stringify(env.up.requests.at(-1)!.body)).toContain('file-abc123');
  });

  it("a Responses client's input_file by URL is named to a provider that cannot fetch it, not dropped", async () => {
    const url = 'https://example.com/q3.pdf';
    const r = await post(
      '/v1/responses',
      responsesWith('up-anthropic/claude-test', { type: 'input_file', file_url: url, filename: 'q3.pdf' }),
    );
    expect(r.status, await r.clone().text()).toBe(200);
    expect(JSON.stringify(env.up.requests.at(-1)!.body)).toContain(url);
  });

  it('fuzzed document and file sources: never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            type: fc.oneof(fc.constantFrom('file', 'base64', 'url', 'text', 'content'), fc.string()),
            file_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
            data: fc.oneof(fc.string(), fc.constant(null)),
            url: fc.string(),
          },
          { requiredKeys: [] },
        ),
        fc.constantFrom('up-openai/gpt-test', 'up-anthropic/claude-test'),
        fc.constantFrom('chat', 'messages', 'count_tokens', 'responses'),
        async (source, model, endpoint) => {
          await resetProxyEnv(env);
          const r =
            endpoint === 'responses'
              ? await post(
                  '/v1/responses',
                  responsesWith(model, {
                    ...source,
                    type: source.type === 'file' ? 'input_file' : 'input_image',
                  }),
                )
              : endpoint === 'chat'
                ? await post('/v1/chat/completions', chatFile(model, source))
                : await post(
                    endpoint === 'messages' ? '/v1/messages' : '/v1/messages/count_tokens',
                    anthropicDoc(model, source),
                  );
          await r.text();
          expect(r.status).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
  });
});
