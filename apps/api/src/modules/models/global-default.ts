/**
 * The global scope's default model is the gateway-wide default: the routing settings' `defaultModel`. The Models
 * page's marker on a global model and that setting are one thing, kept in step in the transaction that changes
 * either (an organization's or user's marker is their own scope default and touches neither).
 */
import type { Prisma } from '@switchyard/prisma';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';
import type { AppContext } from '../../context.js';

type Tx = Prisma.TransactionClient;

/** The reference (`provider/modelId`) of the global model marked default, or null. */
async function markedGlobalDefault(tx: Tx): Promise<string | null> {
  const m = await tx.model.findFirst({
    where: { scope: 'global', isDefault: true },
    select: { modelId: true, provider: { select: { slug: true } } },
  });
  return m ? `${m.provider.slug}/${m.modelId}` : null;
}

/**
 * Watches the global marker across a model write in `tx` (`moves`: false when the write cannot move it, which skips
 * the reads): `settle()` after the write makes the routing settings' default follow the marker. A marker set names
 * the new default; a marker removed clears the setting only when it named that model (a default that is an alias
 * or a power level stays). Audited as a routing settings change.
 */
export async function watchGlobalDefault(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  moves: boolean,
): Promise<{ settle(): Promise<void> }> {
  if (!moves) return { settle: async () => undefined };
  const before = await markedGlobalDefault(tx);
  return {
    async settle() {
      const after = await markedGlobalDefault(tx);
      if (before === after) return;
      const settings = await tx.routingSettings.findUnique({
        where: { id: 1 },
        select: { defaultModel: true },
      });
      const current = settings?.defaultModel ?? null;
      const next = after ?? (current === before ? null : current);
      if (next === current) return;
      await tx.routingSettings.upsert({
        where: { id: 1 },
        create: { id: 1, defaultModel: next },
        update: { defaultModel: next },
      });
      await ctx.audit.record(
        {
          actor,
          action: 'routing.rules',
          entityType: 'RoutingSettings',
          entityId: '1',
          before: { defaultModel: current },
          after: { defaultModel: next },
          ip: actor.ip,
        },
        tx,
      );
    },
  };
}

/**
 * After the routing settings' default changed: the global marker is on the global model it names
 * (`provider/modelId`), or on none (an alias, a power level, a bare model name, or no default).
 */
export async function markGlobalDefault(tx: Tx, defaultModel: string | null): Promise<void> {
  const slash = defaultModel ? defaultModel.indexOf('/') : -1;
  const target =
    defaultModel && slash > 0
      ? await tx.model.findFirst({
          where: {
            scope: 'global',
            modelId: defaultModel.slice(slash + 1),
            provider: { slug: defaultModel.slice(0, slash) },
          },
          select: { id: true, isDefault: true },
        })
      : null;
  if (target?.isDefault) return;
  await tx.model.updateMany({ where: { scope: 'global', isDefault: true }, data: { isDefault: false } });
  if (target) await tx.model.update({ where: { id: target.id }, data: { isDefault: true } });
}
