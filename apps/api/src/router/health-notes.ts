import type { PrismaClient } from '@switchyard/prisma';
import type { Logger } from '../lib/logger.js';
import { scrubSecrets } from '../providers/index.js';

/** The last failure seen from a provider, as the health read model shows it. */
export interface FailureNote {
  providerId: string;
  at: number;
  status: number;
  kind: string;
  message: string;
  source: 'traffic' | 'probe';
  /** Upstream model id of the failing call, if any. */
  model: string | null;
}

/** Why a provider-owned routing target cooled down (the state store holds only until when). */
export interface CooldownNote {
  target: string;
  providerId: string;
  scope: 'provider' | 'key' | 'model';
  modelRegistryId: string | null;
  until: number;
  reason: string;
  kind: string;
  status: number;
  at: number;
}

const MESSAGE_MAX = 300;

/** An upstream message as it may be stored and shown: keys and key-shaped text removed, one line, bounded. */
export function noteMessage(message: string, secret?: string | null): string {
  const one = scrubSecrets(message, secret).replace(/\s+/g, ' ').trim();
  return one.length > MESSAGE_MAX ? `${one.slice(0, MESSAGE_MAX - 1)}…` : one;
}

/**
 * Records, off the request path, what routing saw go wrong with a provider: the last failure per provider and
 * why each of its targets cooled down. Notes are coalesced (the newest per provider and per target) and written
 * in one batch shortly after; in the database, so every instance (and the dashboard) sees them.
 */
export class HealthNotes {
  readonly #failures = new Map<string, FailureNote>();
  readonly #cooldowns = new Map<string, CooldownNote>();
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    private readonly delayMs = 250,
  ) {}

  note(failure: FailureNote | null, cooldown: CooldownNote | null): void {
    if (failure) this.#failures.set(failure.providerId, failure);
    if (cooldown) {
      const had = this.#cooldowns.get(cooldown.target);
      if (!had || had.until <= cooldown.until) this.#cooldowns.set(cooldown.target, cooldown);
    }
    if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.flush();
      }, this.delayMs);
      this.#timer.unref();
    }
  }

  /** Write what is pending (and wait for a write already running). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const failures = [...this.#failures.values()];
    const cooldowns = [...this.#cooldowns.values()];
    this.#failures.clear();
    this.#cooldowns.clear();
    this.#writing = this.#writing.then(() => this.#write(failures, cooldowns));
    return this.#writing;
  }

  async #write(failures: FailureNote[], cooldowns: CooldownNote[]): Promise<void> {
    // One row at a time: a provider deleted meanwhile (foreign key) loses only its own note.
    for (const f of failures) {
      const data = {
        lastErrorAt: new Date(f.at),
        lastErrorStatus: f.status,
        lastErrorKind: f.kind,
        lastErrorMessage: f.message,
        lastErrorSource: f.source,
        lastErrorModel: f.model,
      };
      await this.prisma.providerHealth
        .upsert({
          where: { providerId: f.providerId },
          create: { providerId: f.providerId, ...data },
          update: data,
        })
        .catch((err: unknown) =>
          this.logger.warn({ err: String(err) }, 'recording a provider failure failed'),
        );
    }
    for (const c of cooldowns) {
      const data = {
        providerId: c.providerId,
        scope: c.scope,
        modelId: c.modelRegistryId,
        until: new Date(c.until),
        reason: c.reason,
        kind: c.kind,
        status: c.status,
        at: new Date(c.at),
      };
      await this.prisma.providerCooldownNote
        .upsert({ where: { target: c.target }, create: { target: c.target, ...data }, update: data })
        .catch((err: unknown) =>
          this.logger.warn({ err: String(err) }, 'recording a cooldown reason failed'),
        );
    }
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
