/**
 * One database transaction for a whole config apply: the admin services run unchanged on a context whose Prisma
 * client is the transaction (their own `$transaction` calls join it), whose audit entries are written in it, and
 * whose routing reloads and live events wait for the commit. Nothing may reach the database around it: on the
 * embedded PGlite (one connection) a query outside the transaction would wait for it forever.
 */
import type { LiveEvent } from '@switchyard/core';
import type { Prisma, PrismaClient } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/client.js';
import type { LiveEventBus } from '../../events/bus.js';

type Tx = Prisma.TransactionClient;

export interface TransactionScope {
  /** The application context bound to the transaction. */
  ctx: AppContext;
  /**
   * After the commit: reload what changed (this instance and the others) and publish the held live events. The data
   * is committed whatever happens here: a reload that fails is logged and answered as a warning (the periodic reload
   * catches up), never thrown; null when everything reloaded.
   */
  committed(): Promise<string | null>;
}

/** `$transaction` inside the transaction: a callback runs on it, an array of queries runs in order on it. */
function joined(tx: Tx) {
  return async (arg: unknown): Promise<unknown> => {
    if (typeof arg === 'function') return (arg as (t: Tx) => Promise<unknown>)(tx);
    if (Array.isArray(arg)) {
      const out: unknown[] = [];
      for (const q of arg as PromiseLike<unknown>[]) out.push(await q);
      return out;
    }
    throw new TypeError('$transaction takes a function or an array of queries');
  };
}

export function transactionScope(ctx: AppContext, tx: Tx): TransactionScope {
  const nested = joined(tx);
  const prisma = new Proxy(tx, {
    get: (target, prop) => (prop === '$transaction' ? nested : Reflect.get(target, prop)),
  }) as unknown as PrismaClient;
  const reloads = new Set<string>();
  const held: LiveEvent[] = [];
  const outside = (): never => {
    throw new Error('a config apply writes through its transaction only');
  };
  const db: Database = { ...ctx.db, prisma, execute: async () => outside(), query: async () => outside() };
  const events: LiveEventBus = {
    get kind() {
      return ctx.events.kind;
    },
    publish: (e) => {
      held.push(...e);
    },
    subscribe: (listener) => ctx.events.subscribe(listener),
    get listeners() {
      return ctx.events.listeners;
    },
    get wanted() {
      return ctx.events.wanted;
    },
    close: async () => {},
  };
  const scoped: AppContext = {
    ...ctx,
    db,
    prisma,
    audit: { record: (entry, t) => ctx.audit.record(entry, t ?? tx) },
    events,
    configChanged: async (what) => {
      reloads.add(what);
    },
  };
  return {
    ctx: scoped,
    async committed() {
      let failed: unknown = null;
      for (const what of reloads) {
        try {
          await ctx.configChanged(what);
        } catch (err) {
          failed ??= err;
        }
      }
      if (held.length) ctx.events.publish(held);
      if (failed === null) return null;
      ctx.logger.warn({ err: failed }, 'config apply committed; the live routing reload failed');
      const seconds = Math.round(ctx.env.CONFIG_RELOAD_INTERVAL_MS / 1000);
      return `applied, but the live routing reload failed (${failed instanceof Error ? failed.message : String(failed)}): the routing picks the change up at its periodic reload (every ${seconds} s, on every instance)`;
    },
  };
}
