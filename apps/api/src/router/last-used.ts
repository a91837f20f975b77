import type { PrismaClient } from '@switchyard/prisma';

/**
 * Gateway keys' "last used" time without a write per request: ids are collected in memory and written in one
 * UPDATE every `intervalMs` (default 15 s) and on close.
 */
export class LastUsedTracker {
  #pending = new Map<string, number>();
  #timer: NodeJS.Timeout;

  constructor(
    private readonly prisma: PrismaClient,
    intervalMs = 15_000,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.#timer = setInterval(() => void this.flush(), intervalMs);
    this.#timer.unref();
  }

  touch(keyId: string, at: number): void {
    this.#pending.set(keyId, at);
  }

  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    // Group by second so one UPDATE covers most keys.
    const byTime = new Map<number, string[]>();
    for (const [id, at] of batch) {
      const t = Math.floor(at / 1000) * 1000;
      const ids = byTime.get(t) ?? [];
      ids.push(id);
      byTime.set(t, ids);
    }
    try {
      for (const [t, ids] of byTime) {
        await this.prisma.gatewayKey.updateMany({
          where: { id: { in: ids } },
          data: { lastUsedAt: new Date(t) },
        });
      }
    } catch (err) {
      for (const [id, at] of batch) if (!this.#pending.has(id)) this.#pending.set(id, at);
      this.onError(err);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
