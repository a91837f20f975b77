/** A real server-sent events client for tests: fetch, read the stream, parse `event:`/`data:` frames. */
export interface SseFrame {
  event: string;
  data: string;
}

export interface SseClient {
  status: number;
  contentType: string | null;
  frames: SseFrame[];
  /** Everything received so far, as text (to check what never appears). */
  raw: () => string;
  /** Resolves with the first frame (already received or arriving) that matches, or rejects after `timeoutMs`. */
  waitFor: (match: (f: SseFrame) => boolean, timeoutMs?: number) => Promise<SseFrame>;
  /** Resolves when the server ended the stream (or it was closed). */
  ended: Promise<void>;
  close: () => void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ac.signal });
  const frames: SseFrame[] = [];
  const waiters = new Set<() => void>();
  let text = '';
  let pending = '';
  let ended: Promise<void> = Promise.resolve();
  if (res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    ended = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
          pending += value;
          let cut: number;
          while ((cut = pending.indexOf('\n\n')) >= 0) {
            const block = pending.slice(0, cut);
            pending = pending.slice(cut + 2);
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data.push(line.slice(6));
            }
            if (data.length) frames.push({ event, data: data.join('\n') });
          }
          for (const w of waiters) w();
        }
      } catch {
        /* aborted */
      }
    })();
  }
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    frames,
    raw: () => text,
    ended,
    waitFor: (match, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const f = frames.find(match);
          if (!f) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(f);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(frames)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => ac.abort(),
  };
}
