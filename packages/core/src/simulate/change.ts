/**
 * A candidate change laid over a copy of the routing configuration (the what-if simulator). Pure: the original
 * configuration is never modified.
 */
import { indexConfig, modelsForRef, refOf } from '../engine/plan.js';
import type { AliasConfig, ModelConfig, PowerLevelConfig, RoutingConfig } from '../engine/types.js';
import type { WhatIfChange } from '../schemas/whatif/index.js';

function aliasScope(orgId: string | undefined): string {
  return orgId ? `org:${orgId}` : 'global';
}

/** The global models a reference names (`<slug>/<model>`, a bare model id, or a model's registry id). */
function modelsNamed(config: RoutingConfig, ref: string): ModelConfig[] {
  const index = indexConfig(config);
  const found = modelsForRef(index, ref);
  if (found.length > 0) return found;
  const byId = config.models.find((m) => m.id === ref);
  return byId ? [byId] : [];
}

/**
 * What in a change names something the configuration does not have (each a sentence); empty = it applies.
 * `visible`: the models the caller may name (an organization's admin: the global ones and their organization's);
 * any other model is reported as missing, exactly like one that does not exist.
 */
export function checkChange(
  config: RoutingConfig,
  change: WhatIfChange,
  visible: (m: ModelConfig) => boolean = () => true,
): string[] {
  const problems: string[] = [];
  const missing = (ref: string) => !modelsNamed(config, ref).some(visible);
  for (const p of change.disableProviders ?? [])
    if (!config.providers.some((x) => x.id === p || x.slug === p)) problems.push(`No provider "${p}".`);
  for (const r of change.disableModels ?? []) if (missing(r)) problems.push(`No model "${r}".`);
  for (const { from, to } of change.replaceModels ?? []) {
    if (missing(from)) problems.push(`No model "${from}".`);
    if (missing(to)) problems.push(`No model "${to}".`);
    if (from === to) problems.push(`"${from}" cannot replace itself.`);
  }
  for (const a of change.aliases ?? []) {
    const scope = aliasScope(a.orgId);
    if (!config.aliases.some((x) => x.name === a.name && x.scope === scope))
      problems.push(`No alias "${a.name}"${a.orgId ? ` in organization ${a.orgId}` : ''}.`);
    for (const t of a.targets ?? [])
      if (missing(t.ref)) problems.push(`Alias "${a.name}": no model "${t.ref}".`);
    if (a.targets && a.targets.length > 0 && a.targets.every((t) => t.weight === 0))
      problems.push(`Alias "${a.name}": at least one target needs a weight above 0.`);
  }
  for (const pl of change.powerLevels ?? [])
    for (const r of pl.modelRefs ?? [])
      if (missing(r)) problems.push(`Power level "${pl.slug}": no model "${r}".`);
  return problems;
}

/**
 * The models an organization's admin may name in a change: the global ones and their organization's own (never
 * another organization's or a user's private models).
 */
export function visibleToOrg(orgId: string): (m: ModelConfig) => boolean {
  const scope = `org:${orgId}`;
  return (m) => m.scope === 'global' || m.scope === scope;
}

/**
 * What in a change an organization's owner or admin may not try over their organization's traffic (each a
 * sentence); empty = they may. Their replay reads their organization's requests only, so a strategy, disabled or
 * replaced models and power levels are "what if my organization's requests were routed so". Providers are shared
 * infrastructure (their organization's way to stop using one is to disable its models), the routing rules and the
 * global aliases are the operators', and another organization's aliases are not theirs to see: those are refused,
 * another organization's alias with the same sentence whether it exists or not.
 */
export function orgChangeRefusals(change: WhatIfChange, orgId: string): string[] {
  const refused: string[] = [];
  if (change.disableProviders?.length)
    refused.push(
      'Disabling a provider changes routing for every organization: disable its models for your organization instead.',
    );
  if (change.rules !== undefined) refused.push('Routing rules are set by operators for every organization.');
  for (const a of change.aliases ?? []) {
    if (a.orgId === undefined)
      refused.push(
        `Alias "${a.name}" is a global alias: only your organization's own aliases can be changed.`,
      );
    else if (a.orgId !== orgId)
      refused.push(`Alias "${a.name}": only the aliases of the organization replayed can be changed.`);
  }
  return refused;
}

/** Whether the change changes anything at all. */
export function isEmptyChange(change: WhatIfChange): boolean {
  return (
    change.strategy === undefined &&
    !change.disableProviders?.length &&
    !change.disableModels?.length &&
    !change.replaceModels?.length &&
    !change.aliases?.length &&
    !change.powerLevels?.length &&
    change.rules === undefined
  );
}

/**
 * The configuration with the change applied, in order: strategy, disabled providers, disabled models, replaced
 * models, aliases, power levels, rules (the list replaced, in the order given). Names the configuration does not
 * have are ignored here (see {@link checkChange}). Everything else (experiments, chains, agents, limits) comes along
 * unchanged.
 */
export function applyChange(config: RoutingConfig, change: WhatIfChange): RoutingConfig {
  const index = indexConfig(config);
  const off = new Set(change.disableProviders ?? []);
  const providers = config.providers.map((p) =>
    off.has(p.id) || off.has(p.slug) ? { ...p, status: 'disabled' as const } : p,
  );
  const disabledModels = new Set<ModelConfig>();
  for (const r of change.disableModels ?? []) for (const m of modelsNamed(config, r)) disabledModels.add(m);

  let aliases: AliasConfig[] = [...config.aliases];
  let powerLevels: PowerLevelConfig[] = [...config.powerLevels];
  let chains: Record<string, readonly string[]> = { ...config.chains };
  let defaultModel = config.defaultModel;
  let agents = config.agents;
  for (const { from, to } of change.replaceModels ?? []) {
    const fromModels = modelsNamed(config, from);
    const toModels = modelsNamed(config, to);
    if (fromModels.length === 0 || toModels.length === 0) continue;
    const toRef = refOf(index, toModels[0]!);
    const names = new Set([from, ...fromModels.map((m) => refOf(index, m))]);
    const swap = (r: string) => (names.has(r) ? toRef : r);
    const swapAll = (refs: readonly string[]) => dedupe(refs.map(swap));
    aliases = aliases.map((a) => ({
      ...a,
      targets: a.targets.map((t) => ({ ...t, ref: swap(t.ref) })),
      fallbacks: swapAll(a.fallbacks),
    }));
    powerLevels = powerLevels.map((p) => ({ ...p, modelRefs: swapAll(p.modelRefs) }));
    chains = Object.fromEntries(Object.entries(chains).map(([k, v]) => [k, swapAll(v)]));
    if (defaultModel) defaultModel = swap(defaultModel);
    agents = agents?.map((a) => ({
      ...a,
      models: { normal: swap(a.models.normal), heavy: swap(a.models.heavy), max: swap(a.models.max) },
    }));
    // `from` leaves routing and falls back to `to`: a request naming it lands there.
    for (const m of fromModels) {
      disabledModels.add(m);
      const ref = refOf(index, m);
      chains[ref] = dedupe([toRef, ...(chains[ref] ?? [])]);
    }
  }
  const models = config.models.map((m) => (disabledModels.has(m) ? { ...m, enabled: false } : m));

  for (const a of change.aliases ?? []) {
    const scope = aliasScope(a.orgId);
    aliases = aliases.map((x) =>
      x.name === a.name && x.scope === scope
        ? {
            ...x,
            ...(a.strategy ? { strategy: a.strategy } : {}),
            ...(a.targets ? { targets: a.targets.map((t) => ({ ref: t.ref, weight: t.weight })) } : {}),
            ...(a.fallbacks ? { fallbacks: [...a.fallbacks] } : {}),
          }
        : x,
    );
  }
  for (const pl of change.powerLevels ?? []) {
    const existing = powerLevels.find((p) => p.slug === pl.slug);
    const next: PowerLevelConfig = {
      slug: pl.slug,
      tier: pl.tier ?? existing?.tier ?? pl.slug,
      modelRefs: pl.modelRefs ? [...pl.modelRefs] : (existing?.modelRefs ?? []),
      enabled: pl.enabled ?? existing?.enabled ?? true,
    };
    powerLevels = existing ? powerLevels.map((p) => (p === existing ? next : p)) : [...powerLevels, next];
  }

  return {
    ...config,
    providers,
    models,
    aliases,
    powerLevels,
    chains,
    strategy: change.strategy ?? config.strategy,
    ...(defaultModel !== config.defaultModel ? { defaultModel } : {}),
    ...(agents !== config.agents && agents ? { agents } : {}),
    ...(change.rules
      ? {
          rules: change.rules.map((r, i) => ({
            id: `whatif-${i + 1}`,
            name: r.name,
            enabled: r.enabled,
            order: i,
            when: r.when,
            then: r.then,
          })),
        }
      : {}),
  };
}

function dedupe(refs: readonly string[]): string[] {
  return [...new Set(refs)];
}
