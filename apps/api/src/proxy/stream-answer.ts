import type { Dispatcher } from 'undici';
import type { UpstreamError, UpstreamRequest } from '../providers/types.js';
import {
  headersFromRaw,
  dispatchCall,
  toNetworkError,
  type Abortable,
  type UpstreamHeaders,
} from './upstream.js';
import type { UpstreamTimeouts } from './upstream.js';

/**
 * Where a streamed answer's bytes go. `data` returns false to pause the upstream (the client's socket is full)
 * until the source's `resume()`; `end` and `error` come once, after every chunk was taken.
 */
export interface ChunkSink {
  data(chunk: Buffer): boolean;
  end(): void;
  error(error: UpstreamError): void;
}

/** An upstream stream whose head has arrived (status < 400): its body is handed to one sink. */
export interface StreamSource extends Abortable {
  pipe(sink: ChunkSink): void;
  resume(): void;
}

/** The head of a streamed call: a success (body to follow via `pipe`), an error answer read whole, or none. */
export type StreamHead =
  | { ok: true; status: number; headers: UpstreamHeaders; body: null }
  | { ok: true; status: number; headers: UpstreamHeaders; body: Buffer }
  | { ok: false; error: UpstreamError };

const EMPTY = Buffer.alloc(0);
type Ending = { kind: 'end' } | { kind: 'error'; err: Error };

/**
 * A streamed upstream call as an undici dispatch handler: no response stream, async iterator or AbortSignal per
 * request. `open()` resolves with the head; a success's body then goes to the sink given to `pipe()` as undici
 * parses it, and a sink that returns false pauses the connection's parser until `resume()` (backpressure from
 * the client's socket to the upstream's). An error answer (≥ 400) is read whole. `abort()` ends it at any point,
 * and the reason decides the error's kind (a TimeoutError is the total time limit), as for a WholeAnswer.
 */
export class StreamAnswer implements StreamSource {
  /** The request went out on a connection (the provider may bill it, answered or not). */
  sent = false;
  #status = 0;
  #headers: UpstreamHeaders = {};
  /** An error answer's body, collected whole. */
  #errorBody: Buffer[] | null = null;
  #abortUndici: ((err: Error) => void) | null = null;
  #resumeUndici: (() => void) | null = null;
  #reason: Error | null = null;
  #settleHead: ((h: StreamHead) => void) | null = null;
  #sink: ChunkSink | null = null;
  /** Chunks that came before `pipe()`, or after the sink asked to pause. */
  #pending: Buffer[] = [];
  /** The sink asked to pause; #undiciPaused: the parser too (it returned false to undici). */
  #paused = false;
  #undiciPaused = false;
  #ending: Ending | null = null;
  #over = false;

  abort(reason: Error): void {
    if (this.#over || this.#reason) return;
    this.#reason = reason;
    this.#abortUndici?.(reason);
  }

  open(
    request: UpstreamRequest,
    dispatcher: Dispatcher,
    timeouts: Pick<UpstreamTimeouts, 'firstByteMs' | 'idleMs'>,
  ): Promise<StreamHead> {
    return new Promise<StreamHead>((resolve) => {
      this.#settleHead = resolve;
      dispatchCall(request, dispatcher, timeouts, this);
    });
  }

  pipe(sink: ChunkSink): void {
    this.#sink = sink;
    this.#flush();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#flush();
  }

  /** Hands the held chunks, then the ending, to the sink while it takes them; then lets undici go on. */
  #flush(): void {
    const sink = this.#sink!;
    while (this.#pending.length > 0) {
      if (!sink.data(this.#pending.shift()!)) {
        this.#paused = true;
        return;
      }
    }
    if (this.#ending) this.#end(sink, this.#ending);
    else if (this.#undiciPaused) {
      this.#undiciPaused = false;
      this.#resumeUndici?.();
    }
  }

  #end(sink: ChunkSink, ending: Ending): void {
    if (this.#over) return;
    this.#over = true;
    this.#abortUndici = null;
    this.#resumeUndici = null;
    if (ending.kind === 'end') sink.end();
    else sink.error(toNetworkError(ending.err, this.#reason));
  }

  #head(h: StreamHead): void {
    const settle = this.#settleHead;
    this.#settleHead = null;
    settle?.(h);
  }

  // undici's dispatch handler (called by the connection; not part of this class's API).
  onConnect(abort: (err?: Error) => void): void {
    if (this.#reason) abort(this.#reason);
    else {
      this.#abortUndici = abort;
      this.sent = true;
    }
  }

  onHeaders(status: number, raw: Buffer[] | string[] | null, resume: () => void): boolean {
    if (status < 200) return true; // 1xx informational: the real head follows
    this.#status = status;
    this.#resumeUndici = resume;
    if (status >= 400) {
      // Retry-After and the like are read from an error answer; its body is collected before the head settles.
      this.#headers = headersFromRaw(raw);
      this.#errorBody = [];
      return true;
    }
    this.#head({ ok: true, status, headers: this.#headers, body: null });
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#errorBody) {
      this.#errorBody.push(chunk);
      return true;
    }
    const sink = this.#sink;
    if (sink === null || this.#paused) {
      this.#pending.push(chunk);
      if (sink === null) return true;
      this.#undiciPaused = true;
      return false;
    }
    if (sink.data(chunk)) return true;
    this.#paused = true;
    this.#undiciPaused = true;
    return false;
  }

  onComplete(): void {
    if (this.#errorBody) {
      const parts = this.#errorBody;
      this.#errorBody = null;
      this.#over = true;
      this.#head({ ok: true, status: this.#status, headers: this.#headers, body: Buffer.concat(parts) });
      return;
    }
    this.#settle({ kind: 'end' });
  }

  onError(err: Error): void {
    if (this.#errorBody) {
      // An error answer whose body broke off is still that error (its body is only detail).
      this.#errorBody = null;
      this.#over = true;
      this.#head({ ok: true, status: this.#status, headers: this.#headers, body: EMPTY });
      return;
    }
    if (this.#settleHead) {
      // No head came: a network failure, a timeout, or our own abort.
      this.#over = true;
      this.#head({ ok: false, error: toNetworkError(err, this.#reason) });
      return;
    }
    this.#settle({ kind: 'error', err });
  }

  #settle(ending: Ending): void {
    const sink = this.#sink;
    if (sink === null || this.#paused || this.#pending.length > 0) this.#ending = ending;
    else this.#end(sink, ending);
  }
}

/**
 * An in-process transport's stream (the built-in mock) as a StreamSource: the same relay serves it. Its body is an
 * async iterable, read one chunk at a time while the sink takes them.
 */
export class IterableStream implements StreamSource {
  #wake: (() => void) | null = null;
  #stopped = false;

  constructor(
    private readonly body: AsyncIterable<Buffer>,
    private readonly stop: () => void,
    private readonly signal: AbortSignal,
  ) {}

  abort(): void {
    this.#stopped = true;
    this.stop();
    this.resume();
  }

  resume(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  pipe(sink: ChunkSink): void {
    void this.#pump(sink);
  }

  async #pump(sink: ChunkSink): Promise<void> {
    try {
      for await (const chunk of this.body) {
        if (this.#stopped) return;
        if (!sink.data(chunk)) await new Promise<void>((r) => (this.#wake = r));
        if (this.#stopped) return;
      }
    } catch (err) {
      if (!this.#stopped) sink.error(toNetworkError(err, this.signal));
      return;
    }
    if (!this.#stopped) sink.end();
  }
}
