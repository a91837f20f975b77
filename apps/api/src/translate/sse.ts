/**
 * Incremental Server-Sent Events parser and encoder.
 *
 * The parser is fed raw upstream bytes in whatever pieces the socket delivers
 * (events split across chunks, `\r\n` or `\n` or `\r` line endings, multi-line
 * `data:`, comments, a UTF-8 character split between two chunks) and returns
 * complete events as soon as their terminating blank line arrives.
 */
import { StringDecoder } from 'node:string_decoder';

export interface SseEvent {
  /** The `event:` field, or undefined when absent (the default "message" event). */
  event: string | undefined;
  /** All `data:` lines joined with `\n`. */
  data: string;
  id?: string;
  retry?: number;
}

export class SseParser {
  // Node's StringDecoder (native) rather than TextDecoder: its streaming decode went through ICU's converter on
  // every chunk (about 3 % of a relayed stream's CPU). Both replace invalid bytes with U+FFFD; the leading
  // byte-order mark TextDecoder drops is dropped by hand (`bomChecked`). Made only once a read ends inside a
  // character (see decode): until then each read is whole text, decoded alone.
  private decoder: StringDecoder | null = null;
  private bomChecked = false;
  private buf = '';
  /**
   * Pieces of the line being read that arrived after `buf` without a line end: kept apart (joined once its end
   * comes) so a very long event's every read is not searched again from its start.
   */
  private pending: string[] = [];
  private event: string | undefined = undefined;
  private data: string[] = [];
  private id: string | undefined = undefined;
  private retry: number | undefined = undefined;
  /** True once the last byte seen was a `\r` (so a following `\n` belongs to it). */
  private pendingCR = false;
  /** Count of lines that were not valid SSE fields (not comment, not field:value). */
  malformedLines = 0;

  /** Feed bytes (or text); returns the events completed by this piece. */
  push(chunk: Uint8Array | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decode(chunk);
    if (this.pendingCR && text.startsWith('\n')) text = text.slice(1);
    this.pendingCR = false;
    // A read without a line end only adds to the line being read (`buf` never holds a line end).
    if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1) {
      if (text.length) this.pending.push(text);
      return [];
    }
    if (this.pending.length) this.takePending();
    const out: SseEvent[] = [];
    let s = this.buf.length ? this.buf + text : text;
    let start = 0;
    const n = s.length;
    if (s.indexOf('\r') === -1) {
      // The common case (no CR anywhere): split on LF with the native search instead of a loop per character.
      for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', start)) {
        // The commonest event of all, `data: <text>\n\n` at an event's start: one slice, no line-by-line state.
        if (
          s.charCodeAt(nl + 1) === 10 &&
          s.startsWith('data: ', start) &&
          this.data.length === 0 &&
          this.event === undefined &&
          this.retry === undefined
        ) {
          const ev: SseEvent = { event: undefined, data: s.slice(start + 6, nl) };
          if (this.id !== undefined) ev.id = this.id;
          out.push(ev);
          start = nl + 2;
          continue;
        }
        this.line(s.slice(start, nl), out);
        start = nl + 1;
      }
      this.buf = start < n ? s.slice(start) : '';
      return out;
    }
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(s.slice(start, i), out);
      if (c === 13) {
        if (i + 1 < n) {
          if (s.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCR = true;
        }
      }
      start = i + 1;
    }
    this.buf = start < n ? s.slice(start) : '';
    s = '';
    return out;
  }

  /** Bytes as text (a character split between chunks waits for its rest); the stream's leading BOM dropped. */
  private decode(chunk: Uint8Array): string {
    // A read whose last byte is ASCII ends no character halfway, so it decodes alone exactly as the StringDecoder
    // would (same replacement of invalid bytes): most streams never need one (a decoder and its buffer each).
    // Once a read ends inside a character, the decoder holds its first bytes and takes every read after it.
    const text =
      this.decoder === null && (chunk.length === 0 || chunk[chunk.length - 1]! < 0x80)
        ? wholeText(chunk)
        : (this.decoder ??= new StringDecoder('utf8')).write(chunk);
    if (this.bomChecked || text.length === 0) return text;
    this.bomChecked = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  /** The pieces of the line being read, joined into `buf`. */
  private takePending(): void {
    this.buf += this.pending.join('');
    this.pending = [];
  }

  /** Flush at end of stream: a final event without its blank line is still dispatched (lenient). */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.pending.length) this.takePending();
    const tail = this.decoder?.end() ?? '';
    if (tail) this.buf += tail;
    if (this.buf.length) {
      this.line(this.buf, out);
      this.buf = '';
    }
    this.line('', out);
    return out;
  }

  /** Bytes received but not yet part of a complete event (for "stream cut mid-event" detection). */
  get hasPartial(): boolean {
    return this.buf.length > 0 || this.pending.length > 0 || this.data.length > 0 || this.event !== undefined;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line.length === 0) {
      if (this.data.length > 0 || this.event !== undefined) {
        const ev: SseEvent = {
          event: this.event,
          data: this.data.length === 1 ? this.data[0]! : this.data.join('\n'),
        };
        if (this.id !== undefined) ev.id = this.id;
        if (this.retry !== undefined) ev.retry = this.retry;
        out.push(ev);
      }
      this.event = undefined;
      this.data = [];
      this.retry = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) return; // comment
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        this.id = value;
        break;
      case 'retry': {
        const r = Number(value);
        if (Number.isInteger(r)) this.retry = r;
        break;
      }
      default:
        this.malformedLines++;
    }
  }
}

/** Bytes that end on a character boundary as text (a Buffer's own UTF-8 decoding, no copy). */
function wholeText(chunk: Uint8Array): string {
  return (
    Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  ).toString('utf8');
}

/** Encode one SSE event. `data` may contain newlines (split into several data lines). */
export function sseEvent(data: string, event?: string): string {
  const body =
    data.indexOf('\n') === -1
      ? `data: ${data}\n`
      : data
          .split('\n')
          .map((l) => `data: ${l}\n`)
          .join('');
  return event ? `event: ${event}\n${body}\n` : `${body}\n`;
}

/** `data: <json>\n\n` */
export function sseJson(value: unknown, event?: string): string {
  return event ? `event: ${event}\ndata: ${JSON.stringify(value)}\n\n` : `data: ${JSON.stringify(value)}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';
