/**
 * A bounded in-memory queue written in batches off the hot path.
 * - `push` never blocks and never throws: the request path only appends.
 * - A timer flushes every `intervalMs` (or sooner when `batchSize` is reached); a flush writes what was queued
 *   when it began plus full batches, so a steady trickle of records is written once per tick, not row by row.
 * - A failed write keeps the batch at the head of the queue and retries with capped exponential backoff,
 *   so a database outage loses nothing until `maxBuffered` is hit; past it the oldest records are dropped
 *   and counted (`onDrop`). A write that got part of its batch in before failing throws `PartialWriteError`
 *   and only the rest goes back (nothing is written twice). Deciding that a record can never be written (and
 *   setting it aside) is the writer's business: to the queue it is handled, like a written one.
 * - `close()` stops the timer and flushes what is left (bounded by `closeTimeoutMs`).
 */
/** Thrown by a `write` that handled the start of its batch before failing: only `unwritten` is retried. */
export class PartialWriteError<T> extends Error {
  constructor(
    override readonly cause: unknown,
    readonly unwritten: T[],
    /** Records of the batch that were written before the failure. */
    readonly written: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

export interface BatchQueueOptions<T> {
  /** Writes a batch; may resolve to how many records were written (fewer when some were set aside). */
  write: (batch: T[]) => Promise<number | void>;
  intervalMs: number;
  batchSize?: number;
  maxBuffered: number;
  maxBackoffMs?: number;
  onDrop?: (count: number) => void;
  onWritten?: (count: number) => void;
  onError?: (err: unknown, pending: number) => void;
  /** The queue is done with every record pushed before `seq` (`push`'s answer): written, set aside or dropped. */
  onHandled?: (seq: number) => void;
  /** Records dropped at the bound: `count` from place `from` on, `items` (never written; told before `onHandled`). */
  onDropped?: (from: number, count: number, items: T[]) => void;
}

export class BatchQueue<T> {
  #items: T[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #failures = 0;
  #inFlight = 0;
  #nextAttemptAt = 0;
  #closed = false;
  /** The next record's place (`push` answers it); records keep their order through the queue. */
  #pushed = 0;
  /** The place of `#items[0]`, and of the first record of the batch being written. */
  #headSeq = 0;
  #inFlightSeq = 0;
  readonly #batchSize: number;

  constructor(private readonly opts: BatchQueueOptions<T>) {
    this.#batchSize = opts.batchSize ?? 500;
    this.#schedule();
  }

  /** Records not yet written: waiting, plus the batch being written (read by the queue-depth gauge on scrape). */
  get depth(): number {
    return this.#items.length + this.#inFlight;
  }

  /** Appends a record; answers its place in the queue (see `onHandled`). */
  push(item: T): number {
    const seq = this.#pushed++;
    if (this.#items.length === 0) this.#headSeq = seq;
    this.#items.push(item);
    this.#trim();
    if (this.#items.length >= this.#batchSize && this.#failures === 0) void this.flush();
    return seq;
  }

  /** Every record pushed before this place is handled (written, set aside or dropped). */
  get handledBelow(): number {
    if (this.#inFlight > 0) return this.#inFlightSeq;
    return this.#items.length > 0 ? this.#headSeq : this.#pushed;
  }

  /** Write everything queued now (one batch at a time). Resolves when the queue is empty or a write failed. */
  flush(): Promise<void> {
    this.#flushing ??= this.#drain().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #drain(): Promise<void> {
    // Write what was queued when the flush began, plus any full batch. Records that arrive during a write wait
    // for the next tick: chasing them wrote one or two rows per statement at a steady trickle of requests.
    let owed = this.#items.length;
    while (this.#items.length > 0 && (owed > 0 || this.#items.length >= this.#batchSize)) {
      // The batch leaves the queue while it is written, so drops at the bound never touch it.
      const batch = this.#items.splice(0, this.#batchSize);
      this.#inFlight = batch.length;
      this.#inFlightSeq = this.#headSeq;
      this.#headSeq += batch.length;
      let written: number | void;
      try {
        written = await this.opts.write(batch);
      } catch (err) {
        this.#inFlight = 0;
        const partial = err instanceof PartialWriteError;
        const back = partial ? (err.unwritten as T[]) : batch;
        if (partial && err.written > 0) this.opts.onWritten?.(err.written);
        this.#items.unshift(...back);
        // The rows handed back may come from anywhere in the batch (one held back in the middle): none of the
        // batch counts as handled until the queue has moved past it, so the head's place is the batch's own (the
        // places of what follows read earlier than they are, never later).
        this.#headSeq = this.#inFlightSeq;
        this.#trim();
        this.opts.onHandled?.(this.handledBelow);
        this.#failures++;
        const backoff = Math.min(
          this.opts.maxBackoffMs ?? 30_000,
          this.opts.intervalMs * 2 ** Math.min(this.#failures, 10),
        );
        this.#nextAttemptAt = Date.now() + backoff;
        this.opts.onError?.(partial ? err.cause : err, this.#items.length);
        return;
      }
      this.#inFlight = 0;
      this.#failures = 0;
      owed -= batch.length;
      this.opts.onWritten?.(written ?? batch.length);
      this.opts.onHandled?.(this.handledBelow);
    }
  }

  /** Past the bound the oldest waiting records go (the batch being written is not counted). */
  #trim() {
    const over = this.#items.length - this.opts.maxBuffered;
    if (over <= 0) return;
    const dropped = this.#items.splice(0, over);
    this.opts.onDropped?.(this.#headSeq, over, dropped);
    this.#headSeq += over;
    this.opts.onDrop?.(over);
    this.opts.onHandled?.(this.handledBelow);
  }

  #schedule() {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      const due = this.#failures === 0 || Date.now() >= this.#nextAttemptAt;
      const run = due && this.#items.length > 0 ? this.flush() : Promise.resolve();
      void run.finally(() => this.#schedule());
    }, this.opts.intervalMs);
    this.#timer.unref();
  }

  async close(closeTimeoutMs = 10_000): Promise<{ unwritten: number }> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const deadline = Date.now() + closeTimeoutMs;
    while ((this.#items.length > 0 || this.#flushing) && Date.now() < deadline) {
      await this.flush();
      if (this.#items.length > 0)
        await new Promise((r) => setTimeout(r, Math.min(250, this.opts.intervalMs)));
    }
    return { unwritten: this.#items.length + this.#inFlight };
  }
}
