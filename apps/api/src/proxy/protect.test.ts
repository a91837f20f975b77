import {
  compilePolicy,
  DEFAULT_DLP_POLICY,
  dlpPolicySchema,
  restoreText,
  type DlpContext,
} from '@switchyard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamTranslator } from '../providers/types.js';
import {
  blockedError,
  describeFindings,
  protectRequest,
  restoreWhole,
  restoringTranslator,
} from './protect.js';

const TICKET = 'TCK"\\1234';
const policy = compilePolicy(DEFAULT_DLP_POLICY);

/** A request that masks one email and one phone number, and the context that restores them. */
function masked(): DlpContext {
  const p = protectRequest(
    'chat',
    {
      model: 'm',
      messages: [{ role: 'user', content: `Write to alice@example.com or call +44 20 7946 0958.` }],
    },
    policy,
  );
  expect(p.changed).toBe(true);
  expect(JSON.stringify(p.body)).not.toContain('alice@example.com');
  return p.ctx;
}

/** A translator whose client-format output is the upstream bytes as they came (a same-format stream). */
function passthrough(): StreamTranslator {
  return {
    push: (chunk: Buffer) => chunk,
    end: () => '',
    usage: { inputTokens: 0, outputTokens: 0 } as StreamTranslator['usage'],
    usageFinal: false,
    contentEmitted: true,
    finished: true,
    fault: null,
    finishReason: null,
    errorEvent: (code: string) => `data: {"error":"${code}"}\n\n`,
  };
}

function sse(events: { event?: string; data: unknown }[]): string {
  return events
    .map(
      (e) =>
        (e.event ? `event: ${e.event}\n` : '') +
        `data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`,
    )
    .join('');
}

/** Runs `stream` through the restoring translator in pieces cut at `cuts` (byte offsets). */
function run(stream: string, ctx: DlpContext, format: 'chat' | 'messages' | 'responses', cuts: number[]) {
  const captured: string[] = [];
  const t = restoringTranslator(passthrough(), format, ctx, (p) => captured.push(p.toString()));
  const bytes = Buffer.from(stream);
  let out = '';
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    out += t.push(bytes.subarray(at, c));
    at = c;
  }
  out += t.end();
  return { out, captured: captured.join('') };
}

function events(out: string): Record<string, unknown>[] {
  return out
    .split('\n\n')
    .filter((b) => b.includes('data: {'))
    .map((b) => JSON.parse(b.slice(b.indexOf('data: ') + 6)) as Record<string, unknown>);
}

const chatText = (out: string) =>
  events(out)
    .flatMap((e) => (e.choices as { delta?: { content?: string } }[]) ?? [])
    .map((c) => c.delta?.content ?? '')
    .join('');

describe('restoring a streamed answer', () => {
  it('whole events whose JSON arrays hold no placeholder go out byte for byte, not parsed and re-written', () => {
    const ctx = masked();
    // Spaces a re-serialisation would drop: the bytes prove the events were passed through as they came.
    const stream =
      'data: {"id": "x", "choices": [{"index": 0, "delta": {"content": "Nothing to restore here."}}]}\n\n' +
      'data: {"id": "x", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "usage": null}\n\n' +
      'data: [DONE]\n\n';
    const { out } = run(stream, ctx, 'chat', []);
    expect(out).toBe(stream);
  });

  it('any answer text, cut into deltas and bytes anywhere, comes back with every placeholder restored', () => {
    const ctx = masked();
    const piece = fc.constantFrom(
      '[EMAIL_1]',
      '[PHONE_1]',
      '[',
      '[EM',
      'AIL_1]',
      '_1]',
      '[DONE]',
      '[A',
      ']',
      '"',
      'x',
      ' ',
      '[{',
      '\\',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (pieces, deltaCuts, byteCuts) => {
          const said = pieces.join('');
          const at = [...new Set(deltaCuts.map((c) => c % (said.length + 1)))].sort((a, b) => a - b);
          const deltas = [0, ...at].map((from, i) => said.slice(from, [...at, said.length][i]));
          const stream =
            sse(
              deltas.map((content) => ({
                data: { id: 'x', choices: [{ index: 0, delta: { content }, finish_reason: null }] },
              })),
            ) + 'data: [DONE]\n\n';
          const len = Buffer.byteLength(stream);
          const cuts = [...new Set(byteCuts.map((c) => c % len))].filter((c) => c > 0).sort((a, b) => a - b);
          expect(chatText(run(stream, ctx, 'chat', cuts).out)).toBe(restoreText(said, ctx));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('OpenAI chat: a text delta that ends right after `[` and a next event with the rest are restored', () => {
    const ctx = masked();
    const chunk = (content: string) =>
      sse([{ data: { id: 'x', choices: [{ index: 0, delta: { content }, finish_reason: null }] } }]);
    const first = chunk('Mail sent to [');
    const second = chunk('EMAIL_1] today.');
    const { out } = run(first + second, ctx, 'chat', [Buffer.byteLength(first)]);
    expect(chatText(out)).toBe('Mail sent to alice@example.com today.');
  });

  it('OpenAI chat: a placeholder split at every byte boundary comes back as the value, in order', () => {
    const ctx = masked();
    const said = 'I wrote to [EMAIL_1] and called [PHONE_1]; literal [EMA stays.';
    const parts = [said.slice(0, 14), said.slice(14, 33), said.slice(33)];
    const stream =
      sse([
        ...parts.map((p) => ({
          data: {
            id: 'x',
            object: 'chat.completion.chunk',
            choices: [{ index: 0, delta: { content: p }, finish_reason: null }],
          },
        })),
        {
          data: {
            id: 'x',
            object: 'chat.completion.chunk',
            choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
          },
        },
      ]) + 'data: [DONE]\n\n';
    const want = 'I wrote to alice@example.com and called +44 20 7946 0958; literal [EMA stays.';
    const len = Buffer.byteLength(stream);
    for (let cut = 1; cut < len; cut++) {
      const { out, captured } = run(stream, ctx, 'chat', [cut]);
      expect(chatText(out)).toBe(want);
      expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
      // The body log keeps the protected form.
      expect(captured).toBe(stream);
    }
    // And in one-byte pieces.
    const { out } = run(
      stream,
      ctx,
      'chat',
      Array.from({ length: len - 1 }, (_, i) => i + 1),
    );
    expect(chatText(out)).toBe(want);
  });

  it('OpenAI chat: tool-call arguments get JSON-escaped values', () => {
    // A custom rule whose values hold a quote and a backslash: restored inside JSON text, they must be escaped.
    const custom = compilePolicy(
      dlpPolicySchema.parse({ customRules: [{ name: 'ticket', pattern: 'TCK"\\\\\\d{4}', action: 'mask' }] }),
    );
    const p = protectRequest(
      'chat',
      { model: 'm', messages: [{ role: 'user', content: `file ${TICKET}` }] },
      custom,
    );
    expect(JSON.stringify(p.body)).not.toContain('1234');
    const args = JSON.stringify({ to: '[TICKET_1]' });
    const stream = sse([
      {
        data: {
          choices: [
            {
              index: 0,
              delta: {
                tool_calls: [{ index: 0, id: 'c', function: { name: 'send', arguments: args.slice(0, 12) } }],
              },
              finish_reason: null,
            },
          ],
        },
      },
      {
        data: {
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, function: { arguments: args.slice(12) } }] },
              finish_reason: null,
            },
          ],
        },
      },
      { data: { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] } },
    ]);
    const { out } = run(stream, p.ctx, 'chat', []);
    const joined = events(out)
      .flatMap(
        (e) => (e.choices as { delta?: { tool_calls?: { function?: { arguments?: string } }[] } }[]) ?? [],
      )
      .map((c) => c.delta?.tool_calls?.[0]?.function?.arguments ?? '')
      .join('');
    expect(JSON.parse(joined)).toEqual({ to: TICKET });
  });

  it('Anthropic: text deltas restored, held-back text released before content_block_stop', () => {
    const ctx = masked();
    const stream = sse([
      { event: 'message_start', data: { type: 'message_start', message: { content: [] } } },
      {
        event: 'content_block_start',
        data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Sent to [EMA' } },
      },
      {
        event: 'content_block_delta',
        data: {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: 'IL_1] and [PHO' },
        },
      },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ]);
    const { out } = run(stream, ctx, 'messages', []);
    const evs = events(out);
    const text = evs
      .filter((e) => e.type === 'content_block_delta')
      .map((e) => (e.delta as { text: string }).text)
      .join('');
    expect(text).toBe('Sent to alice@example.com and [PHO');
    // The released "[PHO" comes before the block closes, and event names stay on their events.
    const types = evs.map((e) => e.type);
    expect(types.indexOf('content_block_stop')).toBeGreaterThan(types.lastIndexOf('content_block_delta'));
    expect(out).toContain(
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"[PHO"}}',
    );
  });

  it('Responses: deltas, the done text and the completed response are restored', () => {
    const ctx = masked();
    const stream = sse([
      {
        data: {
          type: 'response.output_text.delta',
          output_index: 0,
          content_index: 0,
          item_id: 'm',
          delta: 'to [EMAIL',
        },
      },
      {
        data: {
          type: 'response.output_text.delta',
          output_index: 0,
          content_index: 0,
          item_id: 'm',
          delta: '_1]',
        },
      },
      {
        data: {
          type: 'response.output_text.done',
          output_index: 0,
          content_index: 0,
          item_id: 'm',
          text: 'to [EMAIL_1]',
        },
      },
      {
        data: {
          type: 'response.completed',
          response: {
            output: [{ type: 'message', content: [{ type: 'output_text', text: 'to [EMAIL_1]' }] }],
          },
        },
      },
    ]);
    const { out } = run(stream, ctx, 'responses', []);
    expect(out).not.toContain('[EMAIL_1]');
    const evs = events(out);
    expect(
      evs
        .filter((e) => e.type === 'response.output_text.delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe('to alice@example.com');
    expect(evs.find((e) => e.type === 'response.output_text.done')?.text).toBe('to alice@example.com');
  });
});

describe('restoring a whole answer', () => {
  it('chat completion content comes back; an answer without placeholders keeps its bytes', () => {
    const ctx = masked();
    const body = Buffer.from(
      JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'Hi [EMAIL_1]' } }] }),
    );
    const out = JSON.parse(restoreWhole('chat', body, ctx).toString()) as {
      choices: { message: { content: string } }[];
    };
    expect(out.choices[0]!.message.content).toBe('Hi alice@example.com');
    const plain = Buffer.from('{"choices":[{"message":{"content":"no values"}}]}');
    expect(restoreWhole('chat', plain, ctx)).toBe(plain);
  });
});

describe('what the gateway says about findings', () => {
  it('counts per kind and action, never the value', () => {
    const ctx = masked();
    const s = describeFindings(ctx.findings);
    expect(s).toBe('1 email masked, 1 phone number masked');
    expect(s).not.toContain('alice');
  });

  it('a block rule refuses with a policy error naming the kind, not the value', () => {
    const blocking = compilePolicy(
      dlpPolicySchema.parse({ detectors: { ssn: { enabled: true, action: 'block' } } }),
    );
    const p = protectRequest(
      'messages',
      { model: 'm', messages: [{ role: 'user', content: 'my SSN is 123-45-6789' }] },
      blocking,
    );
    expect(p.ctx.blocked).not.toBeNull();
    const e = blockedError(p.ctx);
    expect(e.status).toBe(400);
    expect(e.code).toBe('data_protection_blocked');
    expect(e.message).toContain('SSN');
    expect(e.message).not.toContain('6789');
  });
});

/** Every text of one kind an OpenAI chat stream carried, in order (`pick` reads it from a choice's delta). */
function deltas(out: string, pick: (d: Record<string, unknown>) => unknown): string {
  return events(out)
    .flatMap((e) => (e.choices as { delta?: Record<string, unknown> }[]) ?? [])
    .map((c) => {
      const v = c.delta ? pick(c.delta) : undefined;
      return typeof v === 'string' ? v : '';
    })
    .join('');
}

describe('restoring every text the client sees, not only the answer text', () => {
  const chatStream = (deltas: Record<string, unknown>[]) =>
    sse([
      ...deltas.map((delta) => ({
        data: {
          id: 'x',
          object: 'chat.completion.chunk',
          choices: [{ index: 0, delta, finish_reason: null }],
        },
      })),
      {
        data: {
          id: 'x',
          object: 'chat.completion.chunk',
          choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
        },
      },
    ]) + 'data: [DONE]\n\n';

  it('OpenAI chat: reasoning fields (reasoning_content, reasoning) split inside a placeholder are restored', () => {
    const ctx = masked();
    const stream = chatStream([
      { reasoning_content: 'They want [EM' },
      { reasoning_content: 'AIL_1] and [PHO' },
      { reasoning: 'Use [EMA' },
      { reasoning: 'IL_1].' },
      { content: 'Done.' },
    ]);
    for (const cuts of [[], Array.from({ length: Buffer.byteLength(stream) - 1 }, (_, i) => i + 1)]) {
      const { out, captured } = run(stream, ctx, 'chat', cuts);
      expect(deltas(out, (d) => d.reasoning_content)).toBe('They want alice@example.com and [PHO');
      expect(deltas(out, (d) => d.reasoning)).toBe('Use alice@example.com.');
      expect(chatText(out)).toBe('Done.');
      expect(out).not.toContain('[EMAIL_1]');
      // Held-back text goes out before the choice finishes; the log keeps what the provider said.
      const finish = out.indexOf('"finish_reason":"stop"');
      expect(out.lastIndexOf('[PHO')).toBeLessThan(finish);
      expect(captured).toBe(stream);
    }
  });

  it('OpenAI chat: a refusal, legacy function_call arguments and thinking parts (Mistral) are restored', () => {
    const ctx = masked();
    const args = JSON.stringify({ to: '[EMAIL_1]' });
    const stream = chatStream([
      { refusal: 'I will not write to [EMAI' },
      { refusal: 'L_1].' },
      { function_call: { name: 'send', arguments: args.slice(0, 10) } },
      { function_call: { arguments: args.slice(10) } },
      { content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Mail [EMAIL' }] }] },
      { content: [{ type: 'thinking', thinking: [{ type: 'text', text: '_1] now.' }] }] },
      { content: [{ type: 'refusal', refusal: 'Not [PHONE_1].' }] },
    ]);
    const { out } = run(stream, ctx, 'chat', []);
    expect(out).not.toMatch(/\[(EMAIL|PHONE)_1\]/);
    expect(deltas(out, (d) => d.refusal)).toBe('I will not write to alice@example.com.');
    expect(
      JSON.parse(deltas(out, (d) => (d.function_call as { arguments?: string } | undefined)?.arguments)),
    ).toEqual({
      to: 'alice@example.com',
    });
    const parts = events(out).flatMap((e) =>
      ((e.choices as { delta?: { content?: unknown } }[]) ?? []).flatMap((c) =>
        Array.isArray(c.delta?.content) ? (c.delta.content as Record<string, unknown>[]) : [],
      ),
    );
    const thinking = parts
      .filter((p) => p.type === 'thinking')
      .flatMap((p) => p.thinking as { text: string }[])
      .map((t) => t.text)
      .join('');
    expect(thinking).toBe('Mail alice@example.com now.');
    expect(parts.find((p) => p.type === 'refusal')?.refusal).toBe('Not +44 20 7946 0958.');
  });

  it('OpenAI chat, whole: reasoning fields and a refusal are restored with the content', () => {
    const ctx = masked();
    const body = Buffer.from(
      JSON.stringify({
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: 'Hi [EMAIL_1]',
              reasoning_content: 'Greet [EMAIL_1].',
              reasoning: 'Greet [EMAIL_1].',
              refusal: 'Not [PHONE_1].',
            },
          },
        ],
      }),
    );
    const msg = (JSON.parse(restoreWhole('chat', body, ctx).toString()) as { choices: { message: object }[] })
      .choices[0]!.message;
    expect(msg).toEqual({
      role: 'assistant',
      content: 'Hi alice@example.com',
      reasoning_content: 'Greet alice@example.com.',
      reasoning: 'Greet alice@example.com.',
      refusal: 'Not +44 20 7946 0958.',
    });
  });

  it('OpenAI chat: reasoning a client sends back goes to the provider protected, like the content', () => {
    const p = protectRequest(
      'chat',
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'Write to alice@example.com.' },
          {
            role: 'assistant',
            content: 'Sent.',
            reasoning_content: 'Mail alice@example.com.',
            reasoning: 'alice@example.com',
          },
        ],
      },
      policy,
    );
    expect(JSON.stringify(p.body)).not.toContain('alice@example.com');
    expect((p.body.messages as Record<string, unknown>[])[1]).toMatchObject({
      reasoning_content: 'Mail [EMAIL_1].',
      reasoning: '[EMAIL_1]',
    });
  });

  it('Anthropic: text and tool-input deltas are restored; signed thinking goes out exactly as the provider sent it', () => {
    // A thinking block is signed: the client must send it back unchanged for Claude to verify it (tool use with
    // extended thinking), and the gateway passes it upstream untouched. Restored, it would fail that check and put
    // the values in clear in the next request; so its placeholders stay, whole (core's rule) and streamed.
    const ctx = masked();
    const stream = sse([
      { event: 'message_start', data: { type: 'message_start', message: { content: [] } } },
      {
        event: 'content_block_start',
        data: {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        },
      },
      {
        event: 'content_block_delta',
        data: {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'thinking_delta', thinking: 'Mail [EMAIL_1].' },
        },
      },
      {
        event: 'content_block_delta',
        data: {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'signature_delta', signature: 'c2lnbmVk' },
        },
      },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      {
        event: 'content_block_start',
        data: { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'To [EMAIL' } },
      },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: '_1].' } },
      },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 1 } },
      {
        event: 'content_block_start',
        data: {
          type: 'content_block_start',
          index: 2,
          content_block: { type: 'tool_use', id: 't', name: 'send', input: {} },
        },
      },
      {
        event: 'content_block_delta',
        data: {
          type: 'content_block_delta',
          index: 2,
          delta: { type: 'input_json_delta', partial_json: '{"to":"[EMA' },
        },
      },
      {
        event: 'content_block_delta',
        data: {
          type: 'content_block_delta',
          index: 2,
          delta: { type: 'input_json_delta', partial_json: 'IL_1]"}' },
        },
      },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 2 } },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ]);
    const { out } = run(stream, ctx, 'messages', []);
    const evs = events(out).filter((e) => e.type === 'content_block_delta');
    const of = (i: number, k: string) =>
      evs
        .filter((e) => e.index === i)
        .map((e) => (e.delta as Record<string, string>)[k] ?? '')
        .join('');
    expect(of(0, 'thinking')).toBe('Mail [EMAIL_1].');
    expect(of(0, 'signature')).toBe('c2lnbmVk');
    expect(of(1, 'text')).toBe('To alice@example.com.');
    expect(JSON.parse(of(2, 'partial_json'))).toEqual({ to: 'alice@example.com' });

    const whole = Buffer.from(
      JSON.stringify({
        content: [
          { type: 'thinking', thinking: 'Mail [EMAIL_1].', signature: 'c2lnbmVk' },
          { type: 'text', text: 'To [EMAIL_1].' },
        ],
      }),
    );
    expect(JSON.parse(restoreWhole('messages', whole, ctx).toString())).toEqual({
      content: [
        { type: 'thinking', thinking: 'Mail [EMAIL_1].', signature: 'c2lnbmVk' },
        { type: 'text', text: 'To alice@example.com.' },
      ],
    });
  });

  it('Responses: a streamed refusal is restored, deltas and done', () => {
    const ctx = masked();
    const ev = (type: string, more: Record<string, unknown>) => ({
      data: { type, output_index: 0, content_index: 0, item_id: 'm', ...more },
    });
    const stream = sse([
      ev('response.refusal.delta', { delta: 'Not to [EMA' }),
      ev('response.refusal.delta', { delta: 'IL_1].' }),
      ev('response.refusal.done', { refusal: 'Not to [EMAIL_1].' }),
      ev('response.content_part.done', { part: { type: 'refusal', refusal: 'Not to [EMAIL_1].' } }),
    ]);
    const { out } = run(stream, ctx, 'responses', []);
    expect(out).not.toContain('[EMAIL_1]');
    const evs = events(out);
    expect(
      evs
        .filter((e) => e.type === 'response.refusal.delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe('Not to alice@example.com.');
    expect(evs.find((e) => e.type === 'response.refusal.done')?.refusal).toBe('Not to alice@example.com.');
  });
});
