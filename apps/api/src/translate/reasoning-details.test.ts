import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANTHROPIC_FORMAT,
  BEDROCK_FORMAT,
  chatRequestAsPivot,
  reasoningDetails,
  signedThinkingFromDetails,
  withoutReasoningDetails,
} from './reasoning-details.js';
import { SIGNED_THINKING, signedThinkingOn, type SignedThinkingBlock } from './signed-thinking.js';
import type { OaChatRequest } from './wire-types.js';

const blocks: SignedThinkingBlock[] = [
  { type: 'thinking', thinking: 'First.', signature: 'sig-a', origin: 'anthropic' },
  { type: 'redacted_thinking', data: 'enc-b', origin: 'anthropic' },
  { type: 'thinking', thinking: 'Third.', signature: 'sig-c', origin: 'bedrock' },
];

describe('reasoning_details', () => {
  it("round-trips Claude's blocks with their origin", () => {
    const details = reasoningDetails(blocks);
    expect(details.map((d) => [d.type, d.format, d.index])).toEqual([
      ['reasoning.text', ANTHROPIC_FORMAT, 0],
      ['reasoning.encrypted', ANTHROPIC_FORMAT, 1],
      ['reasoning.text', BEDROCK_FORMAT, 2],
    ]);
    expect(signedThinkingFromDetails(JSON.parse(JSON.stringify(details)))).toEqual(blocks);
  });

  it("reads a block OpenRouter streamed in pieces (its text, then its signature) and skips other vendors'", () => {
    const f = ANTHROPIC_FORMAT;
    expect(
      signedThinkingFromDetails([
        { type: 'reasoning.text', text: 'Fir', format: f, index: 0 },
        { type: 'reasoning.text', text: 'st.', format: f, index: 0 },
        { type: 'reasoning.text', text: '', signature: 'sig-a', format: f, index: 0 },
        { type: 'reasoning.summary', summary: 'x', format: 'openai-responses-v1', index: 1 },
        { type: 'reasoning.encrypted', data: 'gAAA', format: 'openai-responses-v1', index: 2 },
      ]),
    ).toEqual([blocks[0]]);
  });

  it('gives nothing for a thinking block with no signature, or text after its signature', () => {
    const f = ANTHROPIC_FORMAT;
    expect(
      signedThinkingFromDetails([{ type: 'reasoning.text', text: 'x', format: f, index: 0 }]),
    ).toBeNull();
    expect(
      signedThinkingFromDetails([
        { type: 'reasoning.text', text: 'x', signature: 's', format: f, index: 0 },
        { type: 'reasoning.text', text: 'y', format: f, index: 0 },
      ]),
    ).toBeNull();
  });

  it('the pivot: blocks on the assistant message, the field off every message', () => {
    const req = {
      model: 'm',
      messages: [
        { role: 'user', content: 'hi', reasoning_details: [] },
        { role: 'assistant', content: null, reasoning_details: reasoningDetails(blocks) },
      ],
    } as unknown as OaChatRequest;
    const pivot = chatRequestAsPivot(req);
    expect(JSON.stringify(pivot)).not.toContain('reasoning_details');
    expect(signedThinkingOn(pivot.messages[1], 'anthropic')).toEqual(blocks.slice(0, 2));
    expect(signedThinkingOn(pivot.messages[1], 'bedrock')).toEqual(blocks.slice(2));
    expect(pivot.messages[0]![SIGNED_THINKING]).toBeUndefined();
    const plain = { model: 'm', messages: [{ role: 'user', content: 'hi' }] } as OaChatRequest;
    expect(chatRequestAsPivot(plain)).toBe(plain);
  });

  it('withoutReasoningDetails strips the field, null when there is none', () => {
    const body = { messages: [{ role: 'assistant', content: 'a', reasoning_details: [1] }] };
    expect(withoutReasoningDetails(Buffer.from(JSON.stringify(body)), body)).toEqual({
      messages: [{ role: 'assistant', content: 'a' }],
    });
    const none = { messages: [{ role: 'user', content: 'reasoning_details' }] };
    expect(withoutReasoningDetails(Buffer.from(JSON.stringify(none)), none)).toBeNull();
  });

  it('never throws on anything a client sends', () => {
    fc.assert(
      fc.property(fc.anything(), fc.array(fc.anything()), (a, arr) => {
        signedThinkingFromDetails(a);
        signedThinkingFromDetails(arr);
        chatRequestAsPivot({
          model: 'm',
          messages: [{ role: 'assistant', reasoning_details: a }, a],
        } as unknown as OaChatRequest);
      }),
    );
  });
});
