/** Request/response body logging (Settings → body logging, off by default): what the client sent and received. */
export const BODY_LOG_LIMIT = 64 * 1024;

/** Collects the bytes sent to the client, up to {@link BODY_LOG_LIMIT}; the rest is counted, not kept. */
export class BodyCapture {
  #parts: Buffer[] = [];
  #kept = 0;
  #total = 0;

  /** Whether the capture is for the body log (a subclass may collect for another purpose only). */
  get logging(): boolean {
    return true;
  }

  add(chunk: Buffer | string | null | undefined): void {
    if (!chunk || chunk.length === 0) return;
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.#total += b.length;
    const room = BODY_LOG_LIMIT - this.#kept;
    if (room <= 0) return;
    const part = b.length <= room ? b : b.subarray(0, room);
    this.#parts.push(part);
    this.#kept += part.length;
  }

  get bytes(): number {
    return this.#total;
  }

  text(): string {
    return Buffer.concat(this.#parts).toString('utf8');
  }
}

/** What a usage record's trace keeps when body logging is on. */
export function bodiesForLog(request: Buffer, response: BodyCapture) {
  return {
    request: request.subarray(0, BODY_LOG_LIMIT).toString('utf8'),
    requestBytes: request.length,
    response: response.text(),
    responseBytes: response.bytes,
    truncated: request.length > BODY_LOG_LIMIT || response.bytes > BODY_LOG_LIMIT,
  };
}
