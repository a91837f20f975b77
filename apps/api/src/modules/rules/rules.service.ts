import {
  explainRules,
  ruleConditionsSchema,
  type CreateRuleBody,
  type ReorderRulesBody,
  type RoutingRule,
  type Rule,
  type RuleConditionsBody,
  type TestRulesBody,
  type TestRulesResult,
  type UpdateRuleBody,
} from '@switchyard/core';
import type { Prisma, RoutingRule as RuleRow } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import type { RoutingRuntime } from '../../router/runtime.js';
import { auditedCreate, auditedUpdate } from '../audited-update.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';
import { dryRunCaller, loadLoggedRequest, needsFor, type LoggedRequest } from '../logged-request.js';

export function presentRule(r: RuleRow): Rule {
  const when = ruleConditionsSchema.safeParse(r.when);
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    enabled: r.enabled,
    order: r.order,
    when: when.success ? when.data : {},
    then: (r.then ?? {}) as Rule['then'],
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** A rule as the engine takes it. */
export function engineRule(
  r: Pick<Rule, 'id' | 'name' | 'enabled' | 'order' | 'when' | 'then'>,
): RoutingRule {
  return { id: r.id, name: r.name, enabled: r.enabled, order: r.order, when: r.when, then: r.then };
}

const json = (v: unknown) => v as Prisma.InputJsonValue;

/**
 * Conditional routing rules: CRUD and reorder (audited; the routing snapshot is reloaded), and the tester: which
 * rule a request (described, or one from the logs) matches, condition by condition, and the plan it gets.
 */
export class RulesService {
  constructor(
    private readonly ctx: AppContext,
    private readonly routing: RoutingRuntime,
  ) {}

  async list(): Promise<Rule[]> {
    const rows = await this.ctx.prisma.routingRule.findMany({ orderBy: [{ order: 'asc' }, { id: 'asc' }] });
    return rows.map(presentRule);
  }

  async create(actor: Actor, b: CreateRuleBody): Promise<Rule> {
    const row = await auditedCreate(this.ctx, {
      actor,
      action: 'rule.create',
      entityType: 'RoutingRule',
      write: async (tx) => {
        let order = b.order;
        if (order === undefined) {
          const last = await tx.routingRule.aggregate({ _max: { order: true } });
          order = (last._max.order ?? -1) + 1;
        }
        return tx.routingRule.create({
          data: {
            name: b.name,
            description: b.description,
            enabled: b.enabled,
            order,
            when: json(b.when),
            then: json(b.then),
          },
        });
      },
      present: presentRule,
      changed: 'rules',
    });
    return presentRule(row);
  }

  async update(actor: Actor, id: string, b: UpdateRuleBody): Promise<Rule> {
    const before = await this.ctx.prisma.routingRule.findUnique({ where: { id } });
    if (!before) throw AppError.notFound('Rule');
    const cur = presentRule(before);
    const when: RuleConditionsBody = b.when ?? cur.when;
    const r = when.request;
    if (
      r?.minPromptTokens !== undefined &&
      r.maxPromptTokens !== undefined &&
      r.minPromptTokens > r.maxPromptTokens
    )
      throw AppError.validation('when.request: minPromptTokens must not be above maxPromptTokens');
    const row = await auditedUpdate(this.ctx, {
      actor,
      action: 'rule.update',
      entityType: 'RoutingRule',
      entityId: id,
      before: cur,
      write: (tx) =>
        tx.routingRule.update({
          where: { id },
          data: {
            ...(b.name !== undefined ? { name: b.name } : {}),
            ...(b.description !== undefined ? { description: b.description } : {}),
            ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
            ...(b.when !== undefined ? { when: json(b.when) } : {}),
            ...(b.then !== undefined ? { then: json(b.then) } : {}),
            ...(b.order !== undefined ? { order: b.order } : {}),
          },
        }),
      present: presentRule,
      changed: 'rules',
    });
    return presentRule(row);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.ctx.prisma.$transaction(async (tx) => {
      const before = await tx.routingRule.findUnique({ where: { id } });
      if (!before) throw AppError.notFound('Rule');
      await tx.routingRule.delete({ where: { id } });
      await this.ctx.audit.record(
        {
          actor,
          action: 'rule.delete',
          entityType: 'RoutingRule',
          entityId: id,
          before: presentRule(before),
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('rules');
  }

  /** Every rule id in the new order: each rule gets its position as its order. */
  async reorder(actor: Actor, b: ReorderRulesBody): Promise<Rule[]> {
    await this.ctx.prisma.$transaction(async (tx) => {
      const rows = await tx.routingRule.findMany({ select: { id: true, order: true } });
      const known = new Set(rows.map((r) => r.id));
      if (b.ids.length !== rows.length || b.ids.some((id) => !known.has(id)))
        throw AppError.validation('ids: must list every rule exactly once');
      const before = new Map(rows.map((r) => [r.id, r.order]));
      for (const [i, id] of b.ids.entries())
        if (before.get(id) !== i) await tx.routingRule.update({ where: { id }, data: { order: i } });
      await this.ctx.audit.record(
        {
          actor,
          action: 'rule.reorder',
          entityType: 'RoutingRule',
          entityId: 'order',
          before: { ids: [...rows].sort((x, y) => x.order - y.order).map((r) => r.id) },
          after: { ids: b.ids },
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('rules');
    return this.list();
  }

  /**
   * Tests the rules (the stored ones, or the draft list in the body) against a request: described in the body, or a
   * logged one (`requestId`: its caller, model, endpoint, prompt size, stream flag and time from the usage record,
   * its needs, max tokens, parameters, agent header and rule inputs from the record's trace; the body's fields
   * override them). Nothing is called, no counter is touched.
   */
  async test(b: TestRulesBody): Promise<TestRulesResult> {
    let recorded: TestRulesResult['recorded'] = null;
    let base: Pick<LoggedRequest, 'model' | 'endpoint' | 'promptTokens' | 'stream' | 'at' | 'caller'> & {
      /** A logged request's: its needs, max tokens and parameters, agent header, and rule inputs. */
      logged: Pick<LoggedRequest, 'facts' | 'agent' | 'inputs'> | null;
    };
    if (b.requestId) {
      const rec = await loadLoggedRequest(this.ctx.prisma, this.routing.config, b.requestId);
      recorded = rec.recorded;
      base = {
        ...rec,
        caller: b.keyId || b.userId ? dryRunCaller(this.routing.config, b.keyId, b.userId) : rec.caller,
        logged: rec,
      };
    } else {
      if (!b.model) throw AppError.validation('model: is required (or give a requestId)');
      base = {
        model: b.model,
        endpoint: 'chat',
        promptTokens: 100,
        stream: false,
        at: this.ctx.now(),
        caller: dryRunCaller(this.routing.config, b.keyId, b.userId),
        logged: null,
      };
    }
    const model = b.model || base.model;
    const endpoint = b.endpoint ?? base.endpoint;
    const promptTokens = b.promptTokens ?? base.promptTokens;
    const stream = b.stream ?? base.stream;
    const logged = base.logged;
    const at = b.at ? Date.parse(b.at) : base.at;
    // The logged request's values where it kept them, the body's on top (key by key).
    const kept = logged?.inputs.kept === 'kept' ? logged.inputs : null;
    // Built with own properties throughout (a `__proto__` header name stays a name).
    const headers: Record<string, string> = {
      ...kept?.headers,
      ...Object.fromEntries(Object.entries(b.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    };
    const metadata: Record<string, string> = { ...kept?.metadata, ...b.metadata };
    // The endpoint's own need, the logged request's others, then the body's tools and images switches.
    const needs = needsFor(endpoint, logged?.facts.needs);
    for (const [flag, need] of [
      [b.hasTools, 'tools'],
      [b.hasImages, 'vision'],
    ] as const) {
      if (flag === true) needs.add(need);
      else if (flag === false) needs.delete(need);
    }
    const hasTools = needs.has('tools');
    const hasImages = needs.has('vision');

    const rules: RoutingRule[] = b.rules
      ? b.rules.map((r, i) => engineRule({ ...r, id: r.id || `draft-${i + 1}`, order: r.order ?? i }))
      : (await this.list()).map(engineRule);
    const engineCaller = this.routing.callerFor(base.caller);
    const explained = explainRules(rules, {
      request: { endpoint, promptTokens, needs: [...needs], stream, headers, metadata },
      caller: engineCaller,
      now: at,
    });
    const chosen = explained.find((r) => r.chosen);
    const plan = this.routing.dryRun({
      endpoint,
      facts: {
        model,
        stream,
        maxTokens: logged?.facts.maxTokens ?? null,
        promptTokens,
        needs: [...needs],
        headers,
        metadata,
        ...(logged?.facts.params ? { params: logged.facts.params } : {}),
        ...(logged?.agent ? { agent: logged.agent } : {}),
      },
      caller: base.caller,
      engineCaller,
      rules,
      now: at,
    });
    return {
      request: {
        requestId: b.requestId ?? null,
        model,
        endpoint,
        promptTokens,
        stream,
        hasTools,
        hasImages,
        needs: [...needs],
        headers,
        metadata,
        loggedInputs: logged ? logged.inputs.kept : null,
        at: new Date(at).toISOString(),
      },
      caller: {
        keyId: engineCaller.keyId,
        userId: engineCaller.userId,
        orgId: engineCaller.orgId,
        appId: engineCaller.appId,
        role: engineCaller.role ?? null,
        region: engineCaller.region ?? null,
        powerLevel: engineCaller.powerLevel,
      },
      match: chosen ? { id: chosen.id, name: chosen.name } : null,
      rules: explained,
      plan,
      recorded,
    };
  }
}
