import type { Prisma } from '@switchyard/prisma';
import type { AppContext } from '../context.js';
import type { Actor } from './gateway-keys/gateway-keys.service.js';

type Converters<B> = { [K in keyof B]?: (v: Exclude<B[K], undefined>) => unknown };

/** The data of a partial update: the fields the body sets (undefined = leave as it is), each converted if it has a converter. */
export type DefinedFields<B, C extends Converters<B>> = {
  [K in keyof B]?: C[K] extends (v: never) => infer R ? R : Exclude<B[K], undefined>;
};

/** The fields of a partial update body that are set, each through its converter when it has one. */
export function definedFields<B extends object, C extends Converters<B> = Record<never, never>>(
  body: B,
  convert?: C & Converters<B>,
): DefinedFields<B, C> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined) continue;
    const f = (convert as Record<string, ((v: unknown) => unknown) | undefined> | undefined)?.[k];
    out[k] = f ? f(v) : v;
  }
  return out as DefinedFields<B, C>;
}

/** What an audited write says about itself (see `auditedUpdate` and `auditedCreate`). */
interface AuditedWrite<Row> {
  actor: Actor;
  action: string;
  entityType: string;
  write: (tx: Prisma.TransactionClient) => Promise<Row>;
  present: (row: Row) => unknown;
  /** What changed, for the routing snapshot reload (`configChanged`). */
  changed: string;
}

/**
 * An admin update in one transaction with its audit entry (before and after as the API shows them), then the config
 * reload. `write` makes the change (and anything that belongs with it) and returns the updated row.
 */
export function auditedUpdate<Row>(
  ctx: AppContext,
  o: AuditedWrite<Row> & {
    entityId: string;
    /** The row before, as presented. */
    before: unknown;
  },
): Promise<Row> {
  return audited(ctx, o, () => o.entityId, o.before);
}

/**
 * An admin create in one transaction with its audit entry (the new row as the API shows it), then the config
 * reload. `write` creates the row (and anything that belongs with it) and returns it.
 */
export function auditedCreate<Row extends { id: string }>(
  ctx: AppContext,
  o: AuditedWrite<Row>,
): Promise<Row> {
  return audited(ctx, o, (row) => row.id, undefined);
}

async function audited<Row>(
  ctx: AppContext,
  o: AuditedWrite<Row>,
  entityId: (row: Row) => string,
  before: unknown,
): Promise<Row> {
  const row = await ctx.prisma.$transaction(async (tx) => {
    const written = await o.write(tx);
    await ctx.audit.record(
      {
        actor: o.actor,
        action: o.action,
        entityType: o.entityType,
        entityId: entityId(written),
        ...(before !== undefined ? { before } : {}),
        after: o.present(written),
        ip: o.actor.ip,
      },
      tx,
    );
    return written;
  });
  await ctx.configChanged(o.changed);
  return row;
}
