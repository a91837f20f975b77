import type { CreateAppBody, UpdateAppBody } from '@switchyard/core';
import type { App as AppRow } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { auditedUpdate, definedFields } from '../audited-update.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';

export const presentApp = (a: AppRow) => ({
  ...a,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
});

/** Client apps: they get their own gateway keys (ownerType app); an inactive app's keys stop working. */
export class AppsService {
  constructor(private readonly ctx: AppContext) {}

  async list() {
    return (await this.ctx.prisma.app.findMany({ orderBy: { name: 'asc' } })).map(presentApp);
  }

  async #find(id: string) {
    const a = await this.ctx.prisma.app.findUnique({ where: { id } });
    if (!a) throw AppError.notFound('App');
    return a;
  }

  async get(id: string) {
    return presentApp(await this.#find(id));
  }

  /** An organization the app is to belong to must exist: a 400 naming orgId otherwise (not a foreign-key conflict). */
  async #assertOrg(orgId: string | null | undefined): Promise<void> {
    if (!orgId) return;
    if ((await this.ctx.prisma.organization.count({ where: { id: orgId } })) === 0)
      throw AppError.validation('orgId: no organization with this id', {
        issues: [{ field: 'orgId', message: 'no organization with this id' }],
      });
  }

  async create(actor: Actor, b: CreateAppBody) {
    await this.#assertOrg(b.orgId);
    const a = await this.ctx.prisma.$transaction(async (tx) => {
      const created = await tx.app.create({
        data: {
          name: b.name,
          slug: b.slug,
          description: b.description ?? null,
          contactEmail: b.contactEmail ?? null,
          active: b.active ?? true,
          piiProtection: b.piiProtection ?? false,
          orgId: b.orgId ?? null,
          region: b.region ?? null,
        },
      });
      await this.ctx.audit.record(
        {
          actor,
          action: 'app.create',
          entityType: 'App',
          entityId: created.id,
          after: presentApp(created),
          ip: actor.ip,
        },
        tx,
      );
      return created;
    });
    await this.ctx.configChanged('apps');
    return presentApp(a);
  }

  async update(actor: Actor, id: string, b: UpdateAppBody) {
    const before = await this.#find(id);
    await this.#assertOrg(b.orgId);
    const a = await auditedUpdate(this.ctx, {
      actor,
      action: 'app.update',
      entityType: 'App',
      entityId: before.id,
      before: presentApp(before),
      present: presentApp,
      changed: 'apps',
      write: (tx) => tx.app.update({ where: { id: before.id }, data: definedFields(b) }),
    });
    return presentApp(a);
  }

  async remove(actor: Actor, id: string) {
    const before = await this.#find(id);
    await this.ctx.prisma.$transaction(async (tx) => {
      await tx.app.delete({ where: { id: before.id } });
      await this.ctx.audit.record(
        {
          actor,
          action: 'app.delete',
          entityType: 'App',
          entityId: before.id,
          before: presentApp(before),
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('apps');
  }
}
