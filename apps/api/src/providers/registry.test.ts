/** The registry's contract, and a new protocol's decoder reaching every client format through compose alone. */
import { describe, expect, it } from 'vitest';
import { encoderFor } from '../translate/encoders.js';
import { SseParser } from '../translate/sse.js';
import type { OaChunk } from '../translate/wire-types.js';
import { compose } from './compose.js';
import { PROVIDER_CATALOGUE } from './provider-types.js';
import { ADAPTERS, wireById } from './registry.js';
import type { StreamDecoder, StreamSink } from './types.js';

describe('registry', () => {
  it('names each adapter by its id, and finds every wire an adapter decodes by its id', () => {
    for (const [key, adapter] of Object.entries(ADAPTERS)) {
      expect(adapter.id).toBe(key);
      expect(adapter.wires.length).toBeGreaterThan(0);
      for (const w of adapter.wires) expect(wireById(w.id)).toBe(w);
    }
    expect(wireById('no-such-wire')).toBeUndefined();
  });

  it('has an adapter for every catalogue row', () => {
    for (const row of Object.values(PROVIDER_CATALOGUE)) expect(ADAPTERS[row.adapter]).toBeDefined();
  });
});

/**
 * A made-up line protocol (`t:<text>` a text piece, `end:<reason>` the end marker, `err:<message>` an error),
 * as a new protocol's stream.ts would write it: nothing else is needed for every client format to be served.
 */
class LineDecoder implements StreamDecoder {
  private rest = '';
  private chunk(delta: OaChunk['choices'][number]['delta'], finish: string | null = null): OaChunk {
    return {
      id: 'chatcmpl-l',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'line-1',
      choices: [{ index: 0, delta, finish_reason: finish as OaChunk['choices'][number]['finish_reason'] }],
    };
  }
  push(bytes: Buffer, sink: StreamSink): void {
    const lines = (this.rest + bytes.toString('utf8')).split('\n');
    this.rest = lines.pop()!;
    for (const line of lines) {
      if (sink.faulted) return;
      if (line.startsWith('t:')) sink.chunk(this.chunk({ content: line.slice(2) }));
      else if (line.startsWith('end:')) {
        sink.chunk(this.chunk({}, line.slice(4)));
        sink.done();
      } else if (line.startsWith('err:'))
        sink.fail('upstream_error', 'error line', JSON.stringify({ error: { message: line.slice(4) } }));
    }
  }
  end(): void {}
}

function run(client: 'chat' | 'messages' | 'responses', input: string) {
  const t = compose(new LineDecoder(), encoderFor(client, { model: 'line-1', created: 1 }), {
    model: 'line-1',
    created: 1,
  });
  const out = String(t.push(Buffer.from(input))) + t.end();
  const p = new SseParser();
  return { t, events: [...p.push(out), ...p.end()] };
}

describe('a new decoder through compose', () => {
  const input = 't:Hel\nt:lo\nend:length\n';

  it('serves a chat client OpenAI chunks ending in [DONE]', () => {
    const { t, events } = run('chat', input);
    const chunks = events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data));
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Hello');
    expect(events.at(-1)!.data).toBe('[DONE]');
    expect(t.finished).toBe(true);
    expect(t.finishReason).toBe('length');
    expect(t.contentEmitted).toBe(true);
  });

  it('serves an Anthropic client the message event grammar with the stop reason in its vocabulary', () => {
    const { t, events } = run('messages', input);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(JSON.parse(events.at(-2)!.data).delta.stop_reason).toBe('max_tokens');
    expect(t.finishReason).toBe('max_tokens');
  });

  it('serves a Responses client an incomplete response with the text', () => {
    const { events } = run('responses', input);
    const last = JSON.parse(events.at(-1)!.data);
    expect(events.at(-1)!.event).toBe('response.incomplete');
    expect(last.response.output[0].content[0].text).toBe('Hello');
  });

  it('reports an error line as an upstream fault, and a stream without its end marker as truncated', () => {
    const failed = run('chat', 't:Hel\nerr:Overloaded, try again\n');
    expect(failed.t.fault).toMatchObject({
      kind: 'upstream_error',
      error: { message: 'Overloaded, try again' },
    });
    const cut = run('chat', 't:Hel\n');
    expect(cut.t.fault?.kind).toBe('truncated');
    expect(cut.t.finished).toBe(false);
    expect(cut.events.some((e) => e.data === '[DONE]')).toBe(false);
  });
});
