/**
 * A bounded in-memory queue written in batches off the hot path.
 * - `push` never blocks and never throws: the request path only appends.
 * - A timer flushes every `intervalMs` (or sooner when `batchSize` is reached); a flush writes what was queued
 *   when it began plus full batches, so a steady trickle of records is written once per tick, not row by row.
 * - A failed write keeps the batch at the head of the queue and retries with capped exponential backoff,
 *   so a database outage loses nothing until `maxBuffered` is hit; past it the oldest records are dropped
 *   and counted (`onDrop`).
 * - `close()` stops the timer and flushes what is left (bounded by `closeTimeoutMs`).
 */
export interface BatchQueueOptions<T> {
  write: (batch: T[]) => Promise<void>;
  intervalMs: number;
  batchSize?: number;
  maxBuffered: number;
  maxBackoffMs?: number;
  onDrop?: (count: number) => void;
  onWritten?: (count: number) => void;
  onError?: (err: unknown, pending: number) => void;
}

export class BatchQueue<T> {
  #items: T[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #failures = 0;
  #inFlight = 0;
  #nextAttemptAt = 0;
  #closed = false;
  readonly #batchSize: number;

  constructor(private readonly opts: BatchQueueOptions<T>) {
    this.#batchSize = opts.batchSize ?? 500;
    this.#schedule();
  }

  /** Records not yet written: waiting, plus the batch being written (read by the queue-depth gauge on scrape). */
  get depth(): number {
    return this.#items.length + this.#inFlight;
  }

  push(item: T): void {
    this.#items.push(item);
    this.#trim();
    if (this.#items.length >= this.#batchSize && this.#failures === 0) void this.flush();
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
      try {
        await this.opts.write(batch);
      } catch (err) {
        this.#inFlight = 0;
        this.#items.unshift(...batch);
        this.#trim();
        this.#failures++;
        const backoff = Math.min(this.opts.maxBackoffMs ?? 30_000, this.opts.intervalMs * 2 ** Math.min(this.#failures, 10));
        this.#nextAttemptAt = Date.now() + backoff;
        this.opts.onError?.(err, this.#items.length);
        return;
      }
      this.#inFlight = 0;
      this.#failures = 0;
      owed -= batch.length;
      this.opts.onWritten?.(batch.length);
    }
  }

  /** Past the bound the oldest waiting records go (the batch being written is not counted). */
  #trim() {
    const over = this.#items.length - this.opts.maxBuffered;
    if (over <= 0) return;
    this.#items.splice(0, over);
    this.opts.onDrop?.(over);
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
      if (this.#items.length > 0) await new Promise((r) => setTimeout(r, Math.min(250, this.opts.intervalMs)));
    }
    return { unwritten: this.#items.length + this.#inFlight };
  }
}
