import { keyModelTarget } from '@switchyard/core';
import type { LoadedConfig } from './load-config.js';
import type { RoutingRuntime } from './runtime.js';

/**
 * The cooldown targets on a provider that are keys other than the provider's own: callers' own keys (BYOK, org) —
 * each key (a rate limit, billing, a rejected key) and each key × one of the provider's models (a model the key may
 * not use) — and the models' own keys (a model with auth of its own). The provider's, its own key's, its endpoints'
 * and its models' targets are the runtime's (`stateOf`).
 *
 * For one model: the callers' keys × that model and that model's own key only; a key's cooldown on every model of
 * the provider is not that model's.
 */
export function keyCooldownTargets(
  config: Pick<LoadedConfig, 'byok' | 'orgKeys' | 'models'>,
  providerId: string,
  modelRegistryId: string | null,
): { callerKeys: string[]; modelKeys: string[] } {
  const keyIds: string[] = [];
  for (const byProvider of [...config.byok.values(), ...config.orgKeys.values()]) {
    const k = byProvider.get(providerId);
    if (k) keyIds.push(k.id);
  }
  const models = config.models.filter(
    (m) => m.providerId === providerId && (modelRegistryId === null || m.id === modelRegistryId),
  );
  const callerKeys = modelRegistryId === null ? [...keyIds] : [];
  for (const id of keyIds) for (const m of models) callerKeys.push(keyModelTarget(id, m.id));
  const modelKeys = models.flatMap((m) => (m.ownAuth?.key ? [m.ownAuth.key.id] : []));
  return { callerKeys, modelKeys };
}

/**
 * An admin's reset of a provider (or one model of it) on this instance: its cooldowns, circuits and current
 * rate-limit windows (the runtime's `resetState`), and the cooldowns of every key used on it — callers' own keys and
 * the models' own keys (see {@link keyCooldownTargets}).
 */
export async function resetProviderState(
  routing: Pick<RoutingRuntime, 'resetState' | 'config' | 'store'>,
  providerId: string,
  modelRegistryId: string | null,
): Promise<void> {
  await routing.resetState(providerId, modelRegistryId);
  const { callerKeys, modelKeys } = keyCooldownTargets(routing.config, providerId, modelRegistryId);
  if (callerKeys.length + modelKeys.length > 0) await routing.store.clear([...callerKeys, ...modelKeys], []);
}
