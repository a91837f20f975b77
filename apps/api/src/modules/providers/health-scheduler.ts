import type { Logger } from '../../lib/logger.js';
import type { RoutingRuntime } from '../../router/runtime.js';
import { healthCheckOf, type ProviderHealthService } from './provider-health.service.js';

/**
 * Background health checks: one timer (every `tickMs`, jittered ±20 % so instances drift apart) looks for
 * providers whose check is due (enabled, not disabled, `intervalSec` since this instance last looked) and runs
 * them one after another. A lock in the state store (SET NX PX with Redis) lets one instance check a provider
 * per interval; `close()` stops the timer and waits for a check in progress.
 */
export class HealthScheduler {
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #running: Promise<void> | null = null;
  readonly #due = new Map<string, number>();

  constructor(
    private readonly deps: {
      health: ProviderHealthService;
      routing: RoutingRuntime;
      tickMs: number;
      now: () => number;
      logger: Logger;
      random?: () => number;
    },
  ) {}

  start(): void {
    if (this.deps.tickMs > 0) this.#schedule();
  }

  #schedule(): void {
    if (this.#closed) return;
    const jitter = 0.8 + 0.4 * (this.deps.random ?? Math.random)();
    this.#timer = setTimeout(
      () => {
        this.#running = this.runDue()
          .then(() => undefined)
          .catch((err: unknown) => this.deps.logger.warn({ err: String(err) }, 'health checks failed'))
          .finally(() => {
            this.#running = null;
            this.#schedule();
          });
      },
      Math.round(this.deps.tickMs * jitter),
    );
    this.#timer.unref();
  }

  /** Run the checks that are due now; answers how many this instance ran. */
  async runDue(): Promise<number> {
    const { routing, health, now, logger } = this.deps;
    const cfg = routing.config;
    let ran = 0;
    for (const p of cfg.providers) {
      if (this.#closed) break;
      if (p.status === 'disabled') continue;
      const check = healthCheckOf({
        type: p.type,
        config: p.config,
        models: cfg.models
          .filter((m) => m.providerId === p.id)
          .map((m) => ({
            enabled: m.enabled,
            priceInputPer1M: m.priceInputPer1M,
            priceOutputPer1M: m.priceOutputPer1M,
          })),
      });
      if (!check.enabled) continue;
      const t = now();
      if ((this.#due.get(p.id) ?? 0) > t) continue;
      const intervalMs = check.intervalSec * 1000;
      this.#due.set(p.id, t + intervalMs);
      // Held a little less than the interval, so the holder's next turn finds it free.
      if (!(await routing.store.tryLock(`health:${p.id}`, Math.max(1000, intervalMs - this.deps.tickMs))))
        continue;
      try {
        await health.check(p.id);
        ran++;
      } catch (err) {
        logger.warn({ err: String(err), provider: p.slug }, 'health check could not run');
      }
    }
    return ran;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
