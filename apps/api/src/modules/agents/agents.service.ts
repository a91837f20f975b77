import {
  createAgentBody,
  agentFileSchema,
  agentIdSchema,
  type Agent,
  type CreateAgentBody,
  type ImportAgentsBody,
  type ImportAgentsResult,
  type UpdateAgentBody,
} from '@switchyard/core';
import type { Agent as AgentRow } from '@switchyard/prisma';
import { parse as parseYaml, stringify as stringifyYaml, YAMLParseError } from 'yaml';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { auditedCreate, auditedUpdate, definedFields } from '../audited-update.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';

export function presentAgent(a: AgentRow): Agent {
  return {
    id: a.id,
    agentId: a.agentId,
    name: a.name,
    role: a.role,
    normalModel: a.normalModel,
    heavyModel: a.heavyModel,
    maxModel: a.maxModel,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** The fields an import compares and writes. */
const FIELDS = ['name', 'role', 'normalModel', 'heavyModel', 'maxModel'] as const;

/** The advisory lock class of agent file imports. */
const AGENTS_IMPORT_LOCK = 0x41676e74;

/**
 * Agent configurations: CRUD (audited, the routing snapshot reloaded) and `model_config.yaml`
 * (`agents: { <id>: { name, role, models: { normal, heavy, max } } }`) export and import.
 */
export class AgentsService {
  constructor(private readonly ctx: AppContext) {}

  async list(): Promise<Agent[]> {
    return (await this.ctx.prisma.agent.findMany({ orderBy: { agentId: 'asc' } })).map(presentAgent);
  }

  async create(actor: Actor, b: CreateAgentBody): Promise<Agent> {
    const row = await auditedCreate(this.ctx, {
      actor,
      action: 'agent.create',
      entityType: 'Agent',
      write: (tx) => tx.agent.create({ data: b }),
      present: presentAgent,
      changed: 'agents',
    });
    return presentAgent(row);
  }

  async update(actor: Actor, id: string, b: UpdateAgentBody): Promise<Agent> {
    const before = await this.ctx.prisma.agent.findUnique({ where: { id } });
    if (!before) throw AppError.notFound('Agent');
    const row = await auditedUpdate(this.ctx, {
      actor,
      action: 'agent.update',
      entityType: 'Agent',
      entityId: id,
      before: presentAgent(before),
      write: (tx) => tx.agent.update({ where: { id }, data: definedFields(b) }),
      present: presentAgent,
      changed: 'agents',
    });
    return presentAgent(row);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.ctx.prisma.$transaction(async (tx) => {
      const before = await tx.agent.findUnique({ where: { id } });
      if (!before) throw AppError.notFound('Agent');
      await tx.agent.delete({ where: { id } });
      await this.ctx.audit.record(
        {
          actor,
          action: 'agent.delete',
          entityType: 'Agent',
          entityId: id,
          before: presentAgent(before),
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('agents');
  }

  /** Every agent as `model_config.yaml`. */
  async exportYaml(): Promise<string> {
    const agents = await this.list();
    const doc = {
      agents: Object.fromEntries(
        agents.map((a) => [
          a.agentId,
          {
            name: a.name,
            role: a.role,
            models: { normal: a.normalModel, heavy: a.heavyModel, max: a.maxModel },
          },
        ]),
      ),
    };
    return `# Switchyard agent configurations (model_config.yaml)\n${stringifyYaml(doc)}`;
  }

  /**
   * Imports `model_config.yaml`: each agent validated with the API's own schema (a bad one names its id and
   * field, and nothing is saved), then created or updated by id in one transaction, audited once; `replace`
   * deletes the agents the file does not name; `dryRun` only says what would change.
   */
  async importYaml(actor: Actor, b: ImportAgentsBody): Promise<ImportAgentsResult> {
    const wanted = parseAgentFile(b.yaml);
    const compare = (existing: AgentRow[]): ImportAgentsResult => {
      const byId = new Map(existing.map((a) => [a.agentId, a]));
      const result: ImportAgentsResult = {
        created: [],
        updated: [],
        unchanged: [],
        deleted: [],
        dryRun: b.dryRun,
      };
      for (const w of wanted) {
        const cur = byId.get(w.agentId);
        if (!cur) result.created.push(w.agentId);
        else if (FIELDS.some((f) => cur[f] !== w[f])) result.updated.push(w.agentId);
        else result.unchanged.push(w.agentId);
      }
      if (b.replace) {
        const named = new Set(wanted.map((w) => w.agentId));
        for (const a of existing) if (!named.has(a.agentId)) result.deleted.push(a.agentId);
      }
      return result;
    };
    if (b.dryRun) return compare(await this.ctx.prisma.agent.findMany());
    // Imports are taken one after another (an advisory lock for the transaction) and each compares the file with the
    // agents as they are once it holds the lock: the same file imported twice at once creates its agents once (one
    // import says created, the other unchanged), with one audit entry.
    let changed = false;
    const result = await this.ctx.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AGENTS_IMPORT_LOCK}::int4, 0)`;
      const result = compare(await tx.agent.findMany());
      if (result.created.length + result.updated.length + result.deleted.length === 0) return result;
      for (const w of wanted) {
        if (result.unchanged.includes(w.agentId)) continue;
        const { agentId, ...data } = w;
        await tx.agent.upsert({ where: { agentId }, create: w, update: data });
      }
      if (result.deleted.length > 0)
        await tx.agent.deleteMany({ where: { agentId: { in: result.deleted } } });
      await this.ctx.audit.record(
        {
          actor,
          action: 'agent.import',
          entityType: 'Agent',
          entityId: 'model_config.yaml',
          after: { created: result.created, updated: result.updated, deleted: result.deleted },
          ip: actor.ip,
        },
        tx,
      );
      changed = true;
      return result;
    });
    if (changed) await this.ctx.configChanged('agents');
    return result;
  }
}

/** The agents of a `model_config.yaml`, each validated as the create endpoint would; a 400 names what is wrong. */
export function parseAgentFile(text: string): CreateAgentBody[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 }) ?? {};
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` (line ${err.linePos[0].line})` : '';
    throw AppError.validation(`yaml: not valid YAML${where}`);
  }
  // A record drops a `__proto__` key without a word (the object it builds would take it as its prototype): such an
  // id is refused like any other bad one rather than ignored.
  const agents = (doc as { agents?: unknown }).agents;
  if (agents !== null && typeof agents === 'object' && Object.hasOwn(agents, '__proto__'))
    throw AppError.validation(
      `yaml: agents.__proto__: agentId: ${agentIdSchema.safeParse('__proto__').error?.issues[0]?.message ?? 'not allowed'}`,
    );
  const file = agentFileSchema.safeParse(doc);
  if (!file.success) {
    const i = file.error.issues[0]!;
    throw AppError.validation(`yaml: ${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`);
  }
  return Object.entries(file.data.agents).map(([agentId, e]) => {
    const parsed = createAgentBody.safeParse({
      agentId,
      name: e.name,
      role: e.role ?? '',
      normalModel: e.models.normal,
      heavyModel: e.models.heavy,
      maxModel: e.models.max,
    });
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw AppError.validation(`yaml: agents.${agentId}: ${i.path.join('.')}: ${i.message}`);
    }
    return parsed.data;
  });
}
