/**
 * OpenAI wire streams: chat chunks are the pivot already, so decoding them is checking them; relayed chat and
 * Responses streams are only scanned (usage, content, the finish, faults) on their way to a same-format client.
 */
import type { OaChunk, OaUsage } from '../../translate/wire-types.js';
import { SseDecoder, usageFromOpenai } from '../compose.js';
import type { RelayScanner, RelaySink, StreamSink } from '../types.js';
import { chatContentText, responsesWebSearches, usageFromResponses } from './response.js';

type Obj = Record<string, unknown>;

/** An OpenAI chat stream as pivot chunks (for a client of another format). */
export class OpenaiChatDecoder extends SseDecoder {
  /** A chunk with a finish_reason came (an upstream that then ends without [DONE] still finished). */
  private sawFinish = false;
  /** Tool calls streamed without an `index`: the index given to the last one, and its id. */
  private lastToolIndex = -1;
  private lastToolId: string | undefined;

  protected event(_event: string | undefined, data: string, sink: StreamSink): void {
    if (data === '[DONE]') {
      sink.done();
      return;
    }
    const j = sink.json(data);
    if (!j) return;
    if (j.error) {
      sink.fail('upstream_error', 'The upstream sent an error in the stream.', data);
      return;
    }
    const c = j as unknown as OaChunk;
    // A delta whose content is a list of parts (see chatContentText) gives its text.
    for (const ch of Array.isArray(c.choices) ? c.choices : []) {
      const d = ch?.delta;
      if (d && Array.isArray(d.content)) {
        const text = chatContentText(d.content);
        if (text) d.content = text;
        else delete d.content;
      }
      if (d && Array.isArray(d.tool_calls)) this.indexToolCalls(d.tool_calls);
    }
    if (c.choices?.[0]?.finish_reason) this.sawFinish = true;
    sink.chunk(c);
  }

  protected override ended(sink: StreamSink): void {
    if (!sink.finished && this.sawFinish) sink.done();
  }

  /**
   * Some OpenAI-compatible servers stream tool calls without their `index`: a call with a new id is the next call,
   * a piece without an id continues the last one (read as index 0, parallel calls would merge into one call whose
   * arguments are two JSON objects run together).
   */
  private indexToolCalls(calls: Array<{ index?: number; id?: string }>): void {
    for (const tc of calls) {
      if (!tc || typeof tc !== 'object') continue;
      if (typeof tc.index === 'number') {
        this.lastToolIndex = Math.max(this.lastToolIndex, tc.index);
        continue;
      }
      if (this.lastToolIndex < 0 || (tc.id && tc.id !== this.lastToolId)) this.lastToolIndex++;
      if (tc.id) this.lastToolId = tc.id;
      tc.index = this.lastToolIndex;
    }
  }
}

const USAGE_RE = /"usage"\s*:\s*\{/;
const FINISH_RE = /"finish_reason"\s*:\s*"/;

/** Reads an OpenAI chat stream relayed to a chat client, without parsing every chunk. */
export class OpenaiChatRelay implements RelayScanner {
  /** With n > 1: the choices that finished, by index. */
  #finishedChoices: Set<number> | null = null;

  /**
   * @param drops Drop the usage-only chunk (the gateway asked for it, the client did not).
   * @param choices The choices asked for (`n`): the answer is whole once each of them finished.
   */
  constructor(
    readonly drops: boolean,
    readonly choices = 1,
  ) {}

  scan(_event: string | undefined, data: string, sink: RelaySink): boolean {
    if (data === '[DONE]') {
      sink.finished = true;
      return true;
    }
    // Cheap shape check on the relayed path (no parse per chunk): a JSON object starts with { and ends with }.
    if (
      data.charCodeAt(0) !== 123 ||
      (data.charCodeAt(data.length - 1) !== 125 &&
        data.trimEnd().charCodeAt(data.trimEnd().length - 1) !== 125)
    ) {
      sink.fail('malformed', 'The upstream sent a malformed event.');
      return true;
    }
    if (data.startsWith('{"error"')) {
      sink.fail('upstream_error', 'The upstream sent an error in the stream.', data);
      return true;
    }
    if (!sink.contentEmitted && (/"content"\s*:\s*"[^"]/.test(data) || data.includes('"tool_calls"')))
      sink.contentEmitted = true;
    sink.outChars += Math.max(0, data.length - 150);
    if (FINISH_RE.test(data)) {
      const m = /"finish_reason"\s*:\s*"(\w+)"/.exec(data);
      if (m) {
        sink.finishReason = m[1]!;
        // The answer finished (as the translating decoder reads it): an upstream that then ends without [DONE]
        // (the usage chunk is optional too) sent a whole answer; with n > 1, once every choice finished.
        if (this.choices <= 1) sink.finished = true;
        else this.#countFinished(sink.json(data), sink);
      }
    }
    if (USAGE_RE.test(data)) {
      const j = sink.json(data);
      if (j?.usage) {
        sink.upstreamUsage = usageFromOpenai(j.usage as OaUsage);
        sink.usageFinal = true;
      }
      if (Array.isArray(j?.choices) && (j.choices as unknown[]).length === 0) return !this.drops;
    }
    return true;
  }

  #countFinished(j: Obj | null | undefined, sink: RelaySink): void {
    const done = (this.#finishedChoices ??= new Set());
    for (const ch of Array.isArray(j?.choices) ? (j.choices as Obj[]) : [])
      if (ch && typeof ch.finish_reason === 'string' && typeof ch.index === 'number') done.add(ch.index);
    if (done.size >= this.choices) sink.finished = true;
  }
}

/** Reads an OpenAI Responses stream relayed to a Responses client. */
export class ResponsesRelay implements RelayScanner {
  readonly drops = false;

  scan(event: string | undefined, data: string, sink: RelaySink): boolean {
    if (event === 'response.output_text.delta' || event === 'response.function_call_arguments.delta') {
      sink.contentEmitted = true;
      sink.outChars += Math.max(0, data.length - 100);
    } else if (
      event === 'response.completed' ||
      event === 'response.incomplete' ||
      event === 'response.failed'
    ) {
      sink.finished = true;
      const j = sink.json(data);
      const r = j?.response as Obj | undefined;
      if (r?.usage) {
        const searches = responsesWebSearches(r.output);
        const usage = usageFromResponses(r.usage as Obj);
        sink.upstreamUsage = searches ? { ...usage, webSearches: searches } : usage;
        sink.usageFinal = true;
      }
      if (typeof r?.id === 'string') sink.responseId = r.id;
      sink.finishReason = event.slice(9);
      if (event === 'response.failed')
        sink.fail(
          'upstream_error',
          'The upstream response failed.',
          JSON.stringify({ error: r?.error ?? {} }),
        );
    } else if (event === 'error') sink.fail('upstream_error', 'The upstream sent an error event.', data);
    return true;
  }
}
