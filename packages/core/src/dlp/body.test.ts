import { describe, expect, it } from 'vitest';
import { protectBody, restoreAnswer } from './body.js';
import { DEFAULT_DLP_POLICY, compilePolicy, dlpPolicySchema } from './policy.js';
import { createDlpContext, type DlpContext } from './protect.js';

const ALL = compilePolicy(DEFAULT_DLP_POLICY);
const E = 'ann@example.com';
const IP = '10.0.0.1';
const IMG = 'data:image/png;base64,iVBORw0KGgo=ann@example.com';

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

function run(endpoint: Parameters<typeof protectBody>[0], body: Record<string, unknown>) {
  const ctx = createDlpContext(ALL);
  const frozen = deepFreeze(JSON.parse(JSON.stringify(body)) as typeof body);
  const out = protectBody(endpoint, frozen, ctx);
  // The input is never mutated (frozen: a write would throw) and equals what was passed.
  expect(frozen).toEqual(body);
  return { out, ctx };
}

describe('protectBody: OpenAI chat completions', () => {
  const body = {
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: `Operator: ${E}` },
      { role: 'developer', content: [{ type: 'text', text: `dev ${IP}` }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: `my mail ${E}` },
          { type: 'image_url', image_url: { url: IMG } },
          { type: 'input_audio', input_audio: { data: 'ann@example.com', format: 'wav' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'send', arguments: JSON.stringify({ to: E }) } },
          { id: 'c2', type: 'custom', custom: { name: 'sh', input: `ping ${IP}` } },
        ],
        function_call: { name: 'legacy', arguments: `{"ip":"${IP}"}` },
      },
      { role: 'tool', tool_call_id: 'c1', content: `sent to ${E}` },
      { role: 'function', name: 'legacy', content: `ok ${IP}` },
    ],
    tools: [
      {
        type: 'function',
        function: { name: 'send', description: `mail ${E}`, parameters: { type: 'object' } },
      },
    ],
    user: E,
  };

  it('protects every text and the user field, leaves images, audio, tools and other fields alone', () => {
    const { out, ctx } = run('chat', body);
    const m = out.messages as Record<string, unknown>[];
    expect(m[0]!.content).toBe('Operator: [EMAIL_1]');
    expect(m[1]!.content).toEqual([{ type: 'text', text: 'dev [IP_1]' }]);
    expect(m[2]!.content).toEqual([
      { type: 'text', text: 'my mail [EMAIL_1]' },
      { type: 'image_url', image_url: { url: IMG } },
      { type: 'input_audio', input_audio: { data: 'ann@example.com', format: 'wav' } },
    ]);
    expect(m[3]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'c1', type: 'function', function: { name: 'send', arguments: '{"to":"[EMAIL_1]"}' } },
        { id: 'c2', type: 'custom', custom: { name: 'sh', input: 'ping [IP_1]' } },
      ],
      function_call: { name: 'legacy', arguments: '{"ip":"[IP_1]"}' },
    });
    expect(m[4]!.content).toBe('sent to [EMAIL_1]');
    expect(m[5]!.content).toBe('ok [IP_1]');
    expect(out.tools).toEqual(body.tools);
    // The end user's identifier goes to the provider too: protected (the same value, the same placeholder).
    expect(out.user).toBe('[EMAIL_1]');
    expect(ctx.findings.map((f) => [f.kind, f.count])).toEqual([
      ['email', 5],
      ['ip', 4],
    ]);
  });

  it('nothing found: the very same object', () => {
    const b = { model: 'm', messages: [{ role: 'user', content: 'hello' }] };
    expect(protectBody('chat', b, createDlpContext(ALL))).toBe(b);
  });

  it('the answer: content, tool call arguments (JSON-escaped values), legacy function_call', () => {
    const ctx = createDlpContext(ALL);
    const key = ['-----BEGIN ', 'PRIVATE KEY-----\nAB"C\n-----END ', 'PRIVATE KEY-----'].join('');
    protectBody('chat', { messages: [{ role: 'user', content: `${E} ${key}` }] }, ctx);
    const answer = deepFreeze({
      id: 'x',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Mailing [EMAIL_1] now',
            tool_calls: [
              { id: 't', type: 'function', function: { name: 'f', arguments: '{"k":"[SECRET_1]"}' } },
            ],
            function_call: { name: 'g', arguments: '{"to":"[EMAIL_1]"}' },
          },
        },
      ],
    });
    const out = restoreAnswer('chat', answer, ctx) as typeof answer;
    const msg = out.choices[0]!.message;
    expect(msg.content).toBe(`Mailing ${E} now`);
    expect(JSON.parse(msg.tool_calls[0]!.function.arguments)).toEqual({ k: key });
    expect(JSON.parse(msg.function_call.arguments)).toEqual({ to: E });
  });
});

describe('protectBody: Anthropic messages and count_tokens', () => {
  const body = {
    model: 'claude',
    system: [{ type: 'text', text: `sys ${E}` }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: `hi ${E}` },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'ann@example.com' } },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: `doc ${IP}` } },
          {
            type: 'document',
            source: { type: 'base64', media_type: 'application/pdf', data: 'ann@example.com' },
          },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: `think ${E}`, signature: 'sig' },
          { type: 'redacted_thinking', data: 'ann@example.com' },
          { type: 'tool_use', id: 'tu', name: 'lookup', input: { who: E, n: 3, list: [IP, { deep: E }] } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'tu',
            content: [
              { type: 'text', text: `found ${IP}` },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'ann@example.com' } },
            ],
          },
          { type: 'tool_result', tool_use_id: 'tv', content: `plain ${E}` },
        ],
      },
    ],
    tools: [{ name: 'lookup', description: E, input_schema: { type: 'object' } }],
  };

  it.each(['messages', 'count_tokens'] as const)('%s: texts, tool_use input leaves, tool results', (ep) => {
    const { out } = run(ep, body);
    const m = out.messages as { content: Record<string, unknown>[] }[];
    expect(out.system).toEqual([{ type: 'text', text: 'sys [EMAIL_1]' }]);
    expect(m[0]!.content[0]).toEqual({ type: 'text', text: 'hi [EMAIL_1]' });
    expect(m[0]!.content[1]).toEqual(body.messages[0]!.content[1]);
    expect(m[0]!.content[2]).toEqual({
      type: 'document',
      source: { type: 'text', media_type: 'text/plain', data: 'doc [IP_1]' },
    });
    expect(m[0]!.content[3]).toEqual(body.messages[0]!.content[3]);
    // Signed thinking goes back exactly as the provider sent it.
    expect(m[1]!.content[0]).toEqual(body.messages[1]!.content[0]);
    expect(m[1]!.content[1]).toEqual(body.messages[1]!.content[1]);
    expect(m[1]!.content[2]).toEqual({
      type: 'tool_use',
      id: 'tu',
      name: 'lookup',
      input: { who: '[EMAIL_1]', n: 3, list: ['[IP_1]', { deep: '[EMAIL_1]' }] },
    });
    expect(m[2]!.content[0]).toEqual({
      type: 'tool_result',
      tool_use_id: 'tu',
      content: [
        { type: 'text', text: 'found [IP_1]' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'ann@example.com' } },
      ],
    });
    expect(m[2]!.content[1]).toEqual({ type: 'tool_result', tool_use_id: 'tv', content: 'plain [EMAIL_1]' });
    expect(out.tools).toEqual(body.tools);
  });

  it('system as a string', () => {
    const { out } = run('messages', { system: `s ${E}`, messages: [{ role: 'user', content: `u ${E}` }] });
    expect(out).toEqual({ system: 's [EMAIL_1]', messages: [{ role: 'user', content: 'u [EMAIL_1]' }] });
  });

  it('the answer: text blocks and tool_use input leaves; thinking untouched', () => {
    const ctx = createDlpContext(ALL);
    protectBody('messages', { messages: [{ role: 'user', content: `${E} "${IP}"` }] }, ctx);
    const answer = {
      type: 'message',
      content: [
        { type: 'thinking', thinking: 'user is [EMAIL_1]', signature: 's' },
        { type: 'text', text: 'Hello [EMAIL_1] at [IP_1]' },
        { type: 'tool_use', id: 'x', name: 'f', input: { to: '[EMAIL_1]', n: [1, '[IP_1]'] } },
      ],
    };
    expect(restoreAnswer('messages', answer, ctx)).toEqual({
      type: 'message',
      content: [
        { type: 'thinking', thinking: 'user is [EMAIL_1]', signature: 's' },
        { type: 'text', text: `Hello ${E} at ${IP}` },
        { type: 'tool_use', id: 'x', name: 'f', input: { to: E, n: [1, IP] } },
      ],
    });
  });
});

describe('protectBody: OpenAI Responses', () => {
  it('instructions and a string input', () => {
    const { out } = run('responses', { instructions: `be nice to ${E}`, input: `ip ${IP}` });
    expect(out).toEqual({ instructions: 'be nice to [EMAIL_1]', input: 'ip [IP_1]' });
  });

  it('input items: messages, function calls and outputs, custom tools; reasoning and images untouched', () => {
    const body = {
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: `me ${E}` },
            { type: 'input_image', image_url: IMG },
            { type: 'input_file', file_data: 'ann@example.com' },
          ],
        },
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: `you ${E}`, annotations: [] }],
        },
        { type: 'reasoning', id: 'r', summary: [{ type: 'summary_text', text: E }], encrypted_content: E },
        { type: 'function_call', call_id: 'f1', name: 'send', arguments: `{"to":"${E}"}` },
        { type: 'function_call_output', call_id: 'f1', output: `sent ${IP}` },
        { type: 'function_call_output', call_id: 'f2', output: [{ type: 'input_text', text: `list ${IP}` }] },
        { type: 'custom_tool_call', call_id: 'c1', name: 'sh', input: `ping ${IP}` },
        { type: 'custom_tool_call_output', call_id: 'c1', output: `pong ${IP}` },
      ],
      tools: [{ type: 'function', name: 'send', description: E, parameters: {} }],
    };
    const { out } = run('responses', body);
    const items = out.input as Record<string, unknown>[];
    expect(items[0]!.content).toEqual([
      { type: 'input_text', text: 'me [EMAIL_1]' },
      { type: 'input_image', image_url: IMG },
      { type: 'input_file', file_data: 'ann@example.com' },
    ]);
    expect(items[1]!.content).toEqual([{ type: 'output_text', text: 'you [EMAIL_1]', annotations: [] }]);
    expect(items[2]).toEqual(body.input[2]);
    expect(items[3]!.arguments).toBe('{"to":"[EMAIL_1]"}');
    expect(items[4]!.output).toBe('sent [IP_1]');
    expect(items[5]!.output).toEqual([{ type: 'input_text', text: 'list [IP_1]' }]);
    expect(items[6]!.input).toBe('ping [IP_1]');
    expect(items[7]!.output).toBe('pong [IP_1]');
    expect(out.tools).toEqual(body.tools);
  });

  it('the answer: output messages, function call arguments, custom tool input, output_text', () => {
    const ctx = createDlpContext(ALL);
    protectBody('responses', { input: `${E} ${IP}` }, ctx);
    const answer = {
      output: [
        { type: 'reasoning', summary: [{ type: 'summary_text', text: '[EMAIL_1]' }] },
        { type: 'message', content: [{ type: 'output_text', text: 'to [EMAIL_1]', annotations: [] }] },
        { type: 'function_call', name: 'f', arguments: '{"ip":"[IP_1]"}' },
        { type: 'custom_tool_call', name: 'c', input: 'ping [IP_1]' },
      ],
      output_text: 'to [EMAIL_1]',
    };
    expect(restoreAnswer('responses', answer, ctx)).toEqual({
      output: [
        { type: 'reasoning', summary: [{ type: 'summary_text', text: '[EMAIL_1]' }] },
        { type: 'message', content: [{ type: 'output_text', text: `to ${E}`, annotations: [] }] },
        { type: 'function_call', name: 'f', arguments: `{"ip":"${IP}"}` },
        { type: 'custom_tool_call', name: 'c', input: `ping ${IP}` },
      ],
      output_text: `to ${E}`,
    });
  });
});

// A reasoning item whose id begins rs_tr_ is the gateway's own (another format's reasoning shown to a Responses
// client), not signed by anyone: plain text like an unsigned thinking block. A provider's own (rs_ and hex digits,
// or with encrypted content) stays signed: checked, never changed.
describe("Responses reasoning items: the gateway's own (rs_tr_) are text, a provider's are signed", () => {
  const item = (id: string, text: string, extra: Record<string, unknown> = {}) => ({
    type: 'reasoning',
    id,
    summary: [{ type: 'summary_text', text }],
    ...extra,
  });
  const cases: {
    name: string;
    item: Record<string, unknown>;
    /** The summary text sent upstream; null: refused as signed. */
    sent: string | null;
    /** The summary text of the same item in an answer, after restoring `[EMAIL_1]`. */
    restored: string;
  }[] = [
    {
      name: 'gateway-made',
      item: item('rs_tr_abc123', `gave ${E}`),
      sent: 'gave [EMAIL_1]',
      restored: `gave ${E}`,
    },
    {
      name: 'gateway-made, a further item of the answer',
      item: item('rs_tr_abc123_2', `gave ${E}`),
      sent: 'gave [EMAIL_1]',
      restored: `gave ${E}`,
    },
    {
      name: 'gateway-made, with reasoning text parts',
      item: { ...item('rs_tr_x', `gave ${E}`), content: [{ type: 'reasoning_text', text: `so ${E}` }] },
      sent: 'gave [EMAIL_1]',
      restored: `gave ${E}`,
    },
    { name: "a provider's", item: item('rs_68af0c1e', `gave ${E}`), sent: null, restored: 'gave [EMAIL_1]' },
    {
      name: "a provider's, encrypted",
      item: item('rs_68af0c1e', `gave ${E}`, { encrypted_content: 'gAAAA' }),
      sent: null,
      restored: 'gave [EMAIL_1]',
    },
    {
      name: 'no id',
      item: { type: 'reasoning', summary: [{ type: 'summary_text', text: `gave ${E}` }] },
      sent: null,
      restored: 'gave [EMAIL_1]',
    },
  ];

  it.each(cases)('$name: sent back in a request', ({ item: it0, sent }) => {
    const { out, ctx } = run('responses', { input: [{ role: 'user', content: `me ${E}` }, it0] });
    if (sent === null) {
      expect(ctx.blocked).toEqual({ kind: 'email', rule: 'email', signed: 'mask' });
      return;
    }
    expect(ctx.blocked).toBeNull();
    const back = (out.input as Record<string, unknown>[])[1]!;
    expect((back.summary as { text: string }[])[0]!.text).toBe(sent);
    expect(JSON.stringify(back)).not.toContain(E);
    expect(back.id).toBe(it0.id);
  });

  it.each(cases)('$name: in a whole answer', ({ item: it0, restored }) => {
    const ctx = createDlpContext(ALL);
    protectBody('responses', { input: `me ${E}` }, ctx);
    const masked = JSON.parse(JSON.stringify(it0).split(E).join('[EMAIL_1]')) as Record<string, unknown>;
    const out = restoreAnswer('responses', { output: [masked] }, ctx);
    const back = (out.output as Record<string, unknown>[])[0]!;
    expect((back.summary as { text: string }[])[0]!.text).toBe(restored);
  });
});

describe('protectBody: embeddings', () => {
  it('a string, an array of strings; token arrays untouched', () => {
    expect(run('embeddings', { input: `x ${E}` }).out).toEqual({ input: 'x [EMAIL_1]' });
    const b = { input: [`a ${E}`, 'plain', [1, 2, 3], 42] };
    expect(run('embeddings', b).out).toEqual({ input: ['a [EMAIL_1]', 'plain', [1, 2, 3], 42] });
    const tokens = { input: [[10, 20], [30]] };
    const ctx = createDlpContext(ALL);
    expect(protectBody('embeddings', tokens, ctx)).toBe(tokens);
  });
});

describe('protectBody fails closed on shapes it does not know', () => {
  // Regression (found by the proxy fuzz): a content part of an unknown type carried its text to the provider.
  it.each([
    [
      'chat: a part of an unknown type',
      'chat' as const,
      { messages: [{ role: 'user', content: [{ type: '%00%ff', text: `hi ${E}` }] }] },
    ],
    [
      'chat: a part with no type, a message that is a bare string, content that is an object',
      'chat' as const,
      {
        messages: [
          { role: 'user', content: [{ text: `hi ${E}` }] },
          `hi ${E}`,
          { role: 'user', content: { text: E } },
        ],
      },
    ],
    [
      'messages: a block of an unknown type, a server tool query, a nested tool_result',
      'messages' as const,
      {
        messages: [
          { role: 'user', content: [{ type: 'search_result', title: E, content: [{ type: 'x', text: E }] }] },
          { role: 'assistant', content: [{ type: 'server_tool_use', id: 's', input: { query: E } }] },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't',
                content: [{ type: 'tool_result', tool_use_id: 'u', content: [{ text: E }] }],
              },
            ],
          },
        ],
      },
    ],
    [
      'responses: an item and a content part of unknown types',
      'responses' as const,
      {
        input: [
          { type: 'web_search_call', action: { query: E } },
          { role: 'user', content: [{ type: 'input_weird', text: E }] },
          `bare ${E}`,
        ],
      },
    ],
  ])('%s', (_name, endpoint, body) => {
    const { out } = run(endpoint, body);
    expect(JSON.stringify(out)).not.toContain(E);
    expect(JSON.stringify(out)).toContain('[EMAIL_1]');
  });

  it('known parts without prompt text stay exactly as they were', () => {
    const parts = [
      { type: 'image_url', image_url: { url: IMG } },
      { type: 'input_audio', input_audio: { data: IMG, format: 'wav' } },
      { type: 'file', file: { file_data: IMG } },
    ];
    expect(run('chat', { messages: [{ role: 'user', content: parts }] }).out).toEqual({
      messages: [{ role: 'user', content: parts }],
    });
    const items = [
      { type: 'reasoning', encrypted_content: IMG, summary: [] },
      { type: 'image_generation_call', result: IMG },
      { role: 'user', content: [{ type: 'input_image', image_url: IMG }] },
    ];
    expect(run('responses', { input: items }).out).toEqual({ input: items });
  });
});

describe('request-wide behaviour', () => {
  it('the same value gets the same placeholder across system, messages and tool results', () => {
    const { out } = run('messages', {
      system: `a ${E}`,
      messages: [
        { role: 'user', content: `b bob@example.org ${E}` },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: `c bob@example.org` }] },
      ],
    });
    expect(JSON.stringify(out)).toBe(
      JSON.stringify({
        system: 'a [EMAIL_1]',
        messages: [
          { role: 'user', content: 'b [EMAIL_2] [EMAIL_1]' },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'c [EMAIL_2]' }] },
        ],
      }),
    );
  });

  it('a placeholder-shaped text in a later message is reserved before numbering starts', () => {
    const { out, ctx } = run('chat', {
      messages: [
        { role: 'user', content: E },
        { role: 'user', content: 'what is [EMAIL_1]?' },
      ],
    });
    expect((out.messages as { content: string }[]).map((m) => m.content)).toEqual([
      '[EMAIL_2]',
      'what is [EMAIL_1]?',
    ]);
    expect(
      restoreAnswer('chat', { choices: [{ message: { content: '[EMAIL_1] vs [EMAIL_2]' } }] }, ctx),
    ).toEqual({
      choices: [{ message: { content: `[EMAIL_1] vs ${E}` } }],
    });
  });

  it('a block rule anywhere in the body marks the request', () => {
    const ctx: DlpContext = createDlpContext(
      compilePolicy(dlpPolicySchema.parse({ detectors: { card: { enabled: true, action: 'block' } } })),
    );
    protectBody(
      'responses',
      { input: [{ type: 'function_call_output', output: 'card 4111111111111111' }] },
      ctx,
    );
    expect(ctx.blocked).toEqual({ kind: 'card', rule: 'card' });
  });

  it('an answer is returned as is when nothing was masked', () => {
    const a = { choices: [{ message: { content: '[EMAIL_1]' } }] };
    expect(restoreAnswer('chat', a, createDlpContext(ALL))).toBe(a);
  });
});

describe("the end user's identifier reaches the provider too", () => {
  it.each([
    [
      'chat',
      { model: 'm', user: E, messages: [{ role: 'user', content: 'hi' }] },
      (o: Record<string, unknown>) => o.user,
    ],
    [
      'messages',
      { model: 'm', max_tokens: 5, metadata: { user_id: E }, messages: [{ role: 'user', content: 'hi' }] },
      (o: Record<string, unknown>) => (o.metadata as Record<string, unknown>).user_id,
    ],
    ['responses', { model: 'm', user: E, input: 'hi' }, (o: Record<string, unknown>) => o.user],
  ] as const)('%s', (endpoint, body, pick) => {
    const { out, ctx } = run(endpoint, body);
    expect(pick(out)).toBe('[EMAIL_1]');
    expect(JSON.stringify(out)).not.toContain(E);
    expect(ctx.findings).toEqual([{ kind: 'email', rule: 'email', action: 'mask', count: 1 }]);
  });

  it('an identifier with nothing sensitive, or of another type, is left as it is', () => {
    const body = {
      model: 'm',
      user: 'u-123',
      metadata: { user_id: 42 },
      messages: [{ role: 'user', content: 'hi' }],
    };
    expect(run('messages', body).out).toEqual(body);
    expect(run('chat', body).out).toEqual(body);
  });
});

describe('protectBody: signed text under a mask rule, output schemas under a block rule', () => {
  const policy = (over: Record<string, unknown>) => compilePolicy(dlpPolicySchema.parse(over));
  const protect = (
    p: ReturnType<typeof compilePolicy>,
    ep: Parameters<typeof protectBody>[0],
    body: object,
  ) => {
    const ctx = createDlpContext(p);
    const out = protectBody(ep, deepFreeze(JSON.parse(JSON.stringify(body)) as Record<string, unknown>), ctx);
    return { out, ctx };
  };
  const anthropicThinking = (thinking: string) => ({
    messages: [
      { role: 'user', content: 'Hello.' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking, signature: 'forged' },
          { type: 'text', text: 'Noted.' },
        ],
      },
      { role: 'user', content: 'Go on.' },
    ],
  });

  it('a value a mask or redact rule covers in a thinking block or reasoning item refuses the request', () => {
    // Signed text cannot be rewritten: sent as it is, the value would reach the provider despite the mask rule.
    const masked = protect(ALL, 'messages', anthropicThinking(`Her mail is ${E}.`));
    expect(masked.ctx.blocked).toEqual({ kind: 'email', rule: 'email', signed: 'mask' });
    expect(masked.ctx.findings).toEqual([{ kind: 'email', rule: 'email', action: 'block', count: 1 }]);
    // A disguised value (zero-width space) is found as a model reads it.
    expect(protect(ALL, 'messages', anthropicThinking(`ann\u200b@example.com`)).ctx.blocked).not.toBeNull();
    const redact = policy({
      customRules: [{ name: 'Employee ID', pattern: 'EMP-\\d{6}', action: 'redact' }],
    });
    const reasoning = protect(redact, 'responses', {
      input: [
        { role: 'user', content: 'Hello.' },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Employee EMP-123456.' }] },
      ],
    });
    expect(reasoning.ctx.blocked).toEqual({ kind: 'custom', rule: 'Employee ID', signed: 'redact' });
    // A detect rule only records, elsewhere too: nothing refused. Placeholders the model saw are not values.
    const detect = policy({ detectors: { email: { enabled: true, action: 'detect' } } });
    expect(protect(detect, 'messages', anthropicThinking(`Her mail is ${E}.`)).ctx.blocked).toBeNull();
    expect(protect(ALL, 'messages', anthropicThinking('Her mail is [EMAIL_1].')).ctx.blocked).toBeNull();
  });

  it('output schemas and legacy function definitions are checked for block rules and go as written', () => {
    const block = policy({ detectors: { ssn: { enabled: true, action: 'block' } } });
    const SSN = '219-09-9999';
    const schema = { type: 'object', properties: { ssn: { type: 'string', enum: [SSN] } } };
    const bodies: [Parameters<typeof protectBody>[0], object][] = [
      [
        'chat',
        {
          messages: [{ role: 'user', content: 'Hi.' }],
          response_format: { type: 'json_schema', json_schema: { name: 'x', schema } },
        },
      ],
      ['responses', { input: 'Hi.', text: { format: { type: 'json_schema', name: 'x', schema } } }],
      [
        'chat',
        {
          messages: [{ role: 'user', content: 'Hi.' }],
          functions: [{ name: 'f', description: `SSN ${SSN}`, parameters: {} }],
        },
      ],
      [
        'messages',
        { messages: [{ role: 'user', content: 'Hi.' }], output_format: { type: 'json_schema', schema } },
      ],
      [
        'messages',
        {
          messages: [{ role: 'user', content: 'Hi.' }],
          output_config: { format: { type: 'json_schema', schema } },
        },
      ],
    ];
    for (const [ep, body] of bodies) {
      const { ctx } = protect(block, ep, body);
      expect(ctx.blocked, JSON.stringify(body)).toEqual({ kind: 'ssn', rule: 'ssn' });
    }
    // Under a mask rule an OpenAI output schema goes as written (the developer's), like a tool definition.
    const email = { type: 'object', properties: { to: { type: 'string', default: E } } };
    const chat = {
      messages: [{ role: 'user', content: 'Hi.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: email } },
    };
    const { out, ctx } = protect(ALL, 'chat', chat);
    expect(ctx.blocked).toBeNull();
    expect(out.response_format).toEqual(chat.response_format);
  });
});
