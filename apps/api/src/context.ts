import type { PrismaClient } from '@switchyard/prisma';
import type { Dispatcher } from 'undici';
import type { Env } from './config/env.js';
import type { Database } from './db/client.js';
import type { Logger } from './lib/logger.js';
import type { Metrics } from './lib/metrics.js';
import type { OutboundPolicy } from './lib/outbound-policy.js';
import type { SecretBox } from './lib/secrets.js';
import type { AuditService } from './modules/audit/audit.service.js';
import type { LiveEventBus } from './events/bus.js';

/**
 * What every module of the server receives. Built once in createApp(); modules take what they need from it
 * (services own their queries; routes stay thin).
 */
export interface AppContext {
  env: Env;
  db: Database;
  prisma: PrismaClient;
  logger: Logger;
  secrets: SecretBox;
  metrics: Metrics;
  audit: AuditService;
  /** Live events for the dashboard (GET /api/v1/llm/events): services publish provider and model changes here. */
  events: LiveEventBus;
  /** Wall clock, injectable for tests. */
  now: () => number;
  /** The process environment used to resolve `_env` references in provider auth settings at call time. */
  processEnv: Record<string, string | undefined>;
  /**
   * Call after any admin write that changes routing (providers, models, keys, aliases, chains, settings, users,
   * orgs, apps): the in-memory routing snapshot and key caches reload, on this instance and on every other one.
   * Await it so the change is in effect on this instance when the API answers.
   */
  configChanged: (what: string) => Promise<void>;
  /** Outbound URL policy (save-time checks) and the dispatcher that applies it on every new connection. */
  outbound: { policy: OutboundPolicy; dispatcher: Dispatcher };
}
