import { Agent, request } from 'undici';

export interface StreamStats {
  ttfcMs: number;
  totalMs: number;
  frames: number;
  lostFrames: number;
  empty: number;
  requests: number;
  /** Streams completed per second over the whole run (all workers). */
  streamsPerSec: number;
}

/**
 * Sends streaming requests at `concurrency` for `seconds` (no new stream starts after that; at most `max`), timing
 * the first chunk and the whole stream, counting frames. A run by time rather than by count gives a slow peer a
 * few streams and a fast gateway thousands, each enough for a steady median.
 */
export async function runStreams(opts: {
  url: string;
  body: string;
  headers: Record<string, string>;
  seconds: number;
  max?: number;
  concurrency: number;
  expectedFrames: number;
}): Promise<StreamStats> {
  const agent = new Agent({ connections: opts.concurrency, keepAliveTimeout: 30_000 });
  const ttfc: number[] = [];
  const total: number[] = [];
  let frames = 0;
  let lost = 0;
  let empty = 0;
  let next = 0;
  const started = performance.now();
  const until = started + opts.seconds * 1000;
  const max = opts.max ?? Number.POSITIVE_INFINITY;
  const worker = async () => {
    while (next < max && performance.now() < until) {
      next++;
      const t0 = performance.now();
      const res = await request(opts.url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', ...opts.headers },
        body: opts.body,
      });
      let first = -1;
      let text = '';
      for await (const chunk of res.body) {
        if (first < 0) first = performance.now() - t0;
        text += chunk.toString();
      }
      total.push(performance.now() - t0);
      ttfc.push(first < 0 ? Number.NaN : first);
      const count = text.split('\n\n').filter((f) => f.startsWith('data:')).length;
      frames += count;
      if (count === 0) empty++;
      lost += Math.max(0, opts.expectedFrames - count);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const wallMs = performance.now() - started;
  await agent.close();
  const med = (xs: number[]) => {
    const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] ?? Number.NaN;
  };
  return {
    ttfcMs: med(ttfc),
    totalMs: med(total),
    frames,
    lostFrames: lost,
    empty,
    requests: next,
    streamsPerSec: (next * 1000) / wallMs,
  };
}
