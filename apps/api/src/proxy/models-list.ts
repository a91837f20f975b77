import { hasDefaultFor, type LoadedConfig } from '../router/load-config.js';
import type { ProxyCaller } from './caller.js';
import type { ClientFormat } from './client-errors.js';

interface ListedModel {
  id: string;
  kind: 'alias' | 'power-level' | 'agent' | 'default' | 'model';
  owned_by: string;
  description?: string;
}

function allowed(caller: ProxyCaller, id: string): boolean {
  return caller.allowedModels.length === 0 || caller.allowedModels.includes(id);
}

function modelsForCaller(config: LoadedConfig, caller: ProxyCaller): ListedModel[] {
  const out: ListedModel[] = [];
  const seen = new Set<string>();
  const push = (m: ListedModel) => {
    if (seen.has(m.id) || !allowed(caller, m.id)) return;
    seen.add(m.id);
    out.push(m);
  };
  for (const a of config.aliases) {
    if (!a.enabled) continue;
    if (
      a.scope !== 'global' &&
      !(caller.orgId && a.scope === `org:${caller.orgId}`) &&
      caller.kind !== 'master'
    )
      continue;
    push({ id: a.name, kind: 'alias', owned_by: 'switchyard' });
  }
  // `auto` is the caller's power level (balanced when it has none): not listed while that level is switched off,
  // as routing refuses it then.
  const ownLevel = caller.powerLevel ?? 'balanced';
  const levelOff = (slug: string) => {
    const configured = config.powerLevels.filter((p) => p.slug === slug);
    return configured.length > 0 && configured.every((p) => !p.enabled);
  };
  if (!levelOff(ownLevel))
    push({ id: 'auto', kind: 'power-level', owned_by: 'switchyard', description: 'your power level' });
  for (const p of config.powerLevels)
    if (p.enabled) push({ id: p.slug, kind: 'power-level', owned_by: 'switchyard', description: p.name });
  // `default` when a default model answers this caller (its own, its scope's or the gateway's); each agent at each
  // effort.
  if (hasDefaultFor(config, caller))
    push({ id: 'default', kind: 'default', owned_by: 'switchyard', description: 'the default model' });
  for (const a of config.agents)
    for (const [suffix, effort] of [
      ['', 'normal'],
      [':heavy', 'heavy'],
      [':max', 'max'],
    ] as const)
      push({
        id: `agent:${a.id}${suffix}`,
        kind: 'agent',
        owned_by: 'switchyard',
        description: `${a.name} (${effort})`,
      });
  const providers = new Map(config.providers.map((p) => [p.id, p]));
  // Models the caller's routing sees: global ones, and those scoped to its organization or to its user.
  const visible = (scope: string) =>
    scope === 'global' ||
    (caller.orgId !== null && scope === `org:${caller.orgId}`) ||
    (caller.userId !== null && scope === `user:${caller.userId}`);
  // Bare model ids after the direct references: each id once, owned by its provider when one serves it.
  const bare = new Map<string, { owners: Set<string>; description: string }>();
  for (const m of config.models) {
    const p = providers.get(m.providerId);
    if (!p || p.status !== 'active' || !m.enabled || !visible(m.scope)) continue;
    const usable =
      p.key.secret.ok ||
      (caller.userId && config.byok.get(caller.userId)?.get(p.id)?.secret.ok) ||
      (caller.orgId && config.orgKeys.get(caller.orgId)?.get(p.id)?.secret.ok);
    if (!usable) continue;
    const ref = `${p.slug}/${m.modelId}`;
    // The router lets a key restricted to a bare id use that model on any provider, and a key restricted to a
    // reference send the bare id (the other providers are then skipped): the list says the same.
    const refAllowed = allowed(caller, ref) || caller.allowedModels.includes(m.modelId);
    if (!refAllowed) continue;
    if (!seen.has(ref)) {
      seen.add(ref);
      out.push({ id: ref, kind: 'model', owned_by: p.slug, description: m.displayName });
    }
    const b = bare.get(m.modelId) ?? { owners: new Set<string>(), description: m.displayName };
    b.owners.add(p.slug);
    bare.set(m.modelId, b);
  }
  for (const [id, b] of bare) {
    if (seen.has(id)) continue; // an alias or power level of that name wins when it is sent
    seen.add(id);
    out.push({
      id,
      kind: 'model',
      owned_by: b.owners.size === 1 ? [...b.owners][0]! : 'switchyard',
      description: b.description,
    });
  }
  return out;
}

function modelObject(m: ListedModel, format: ClientFormat, now: number) {
  if (format === 'anthropic')
    return {
      type: 'model',
      id: m.id,
      display_name: m.description ?? m.id,
      created_at: new Date(now).toISOString(),
    };
  return {
    id: m.id,
    object: 'model',
    created: Math.floor(now / 1000),
    owned_by: m.owned_by,
    switchyard_kind: m.kind,
  };
}

/**
 * What this caller may send as "model": aliases visible to it (global + its org's), the power levels, `default`
 * when a default model answers it, every agent at each effort (`agent:<id>`, `:heavy`, `:max`),
 * `<provider-slug>/<model-id>` for every enabled model (global, or scoped to its organization or user) of an
 * active provider it has a usable key for, and each
 * of those models' bare id once (a bare id several providers serve routes to all of them, in the global
 * strategy's order); in the list shape of the client's format.
 */
export function listModelsForCaller(
  config: LoadedConfig,
  caller: ProxyCaller,
  format: ClientFormat,
  now: number,
) {
  const out = modelsForCaller(config, caller);
  if (format === 'anthropic') {
    return {
      data: out.map((m) => modelObject(m, format, now)),
      has_more: false,
      first_id: out[0]?.id ?? null,
      last_id: out.at(-1)?.id ?? null,
    };
  }
  return { object: 'list', data: out.map((m) => modelObject(m, format, now)) };
}

/** `GET /v1/models/{id}`: one model this caller may use, or null (404). */
export function retrieveModelForCaller(
  config: LoadedConfig,
  caller: ProxyCaller,
  format: ClientFormat,
  now: number,
  id: string,
) {
  const m = modelsForCaller(config, caller).find((x) => x.id === id);
  return m ? modelObject(m, format, now) : null;
}
