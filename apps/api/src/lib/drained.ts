import type { Writable } from 'node:stream';

/**
 * Resolves when a full writable can take more ('drain') or will never take more ('close'), with both listeners
 * removed either way (one wait per full buffer, so they must not pile up over a long stream).
 */
export function drained(w: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      w.off('drain', done);
      w.off('close', done);
      resolve();
    };
    w.on('drain', done);
    w.on('close', done);
  });
}
