import {
  DEFAULT_DLP_POLICY,
  compilePolicy,
  dlpPolicySchema,
  type CompiledDlpPolicy,
  type DlpPolicy,
} from '@switchyard/core';

/** The data-protection scopes: the gateway-wide one (master key), an organization's (user and org keys), an app's. */
export type DlpScope = 'global' | 'org' | 'app';

/**
 * The policies in force, compiled once per snapshot load: only ENABLED scopes are here (an org or app whose
 * `piiProtection` is on, the global policy when its `enabled` is on). A scope without a stored policy uses
 * DEFAULT_DLP_POLICY.
 */
export interface DlpSnapshot {
  global: CompiledDlpPolicy | null;
  byOrg: ReadonlyMap<string, CompiledDlpPolicy>;
  byApp: ReadonlyMap<string, CompiledDlpPolicy>;
  /** Display names of the orgs and apps in byOrg / byApp, keyed `org:<id>` and `app:<id>`. */
  names: ReadonlyMap<string, string>;
}

export const EMPTY_DLP_SNAPSHOT: DlpSnapshot = {
  global: null,
  byOrg: new Map(),
  byApp: new Map(),
  names: new Map(),
};

export interface DlpResolution {
  policy: CompiledDlpPolicy;
  scope: DlpScope;
  scopeId: string | null;
  scopeName: string;
}

/**
 * Which policy protects a call: an app key → its app's policy (when the app's protection is on); a user or org key
 * (no app) → its organization's; the master key → the global policy. Null: nothing to do. An app key never falls
 * back to its org's policy (each app is switched on by itself, as the page shows), and the global policy is the
 * master key's only.
 */
export function dlpPolicyFor(
  snapshot: DlpSnapshot,
  caller: { appId: string | null; orgId: string | null; master: boolean },
): DlpResolution | null {
  if (caller.master) {
    return snapshot.global
      ? { policy: snapshot.global, scope: 'global', scopeId: null, scopeName: 'Global (master key)' }
      : null;
  }
  if (caller.appId !== null) {
    const p = snapshot.byApp.get(caller.appId);
    return p
      ? {
          policy: p,
          scope: 'app',
          scopeId: caller.appId,
          scopeName: snapshot.names.get(`app:${caller.appId}`) ?? caller.appId,
        }
      : null;
  }
  if (caller.orgId !== null) {
    const p = snapshot.byOrg.get(caller.orgId);
    return p
      ? {
          policy: p,
          scope: 'org',
          scopeId: caller.orgId,
          scopeName: snapshot.names.get(`org:${caller.orgId}`) ?? caller.orgId,
        }
      : null;
  }
  return null;
}

/**
 * A stored policy as the scanner runs it. A row written before a schema change that no longer parses (or compiles)
 * falls back to the default policy (every detector masking): protection that was on stays on.
 */
export function storedPolicy(rules: unknown): { policy: DlpPolicy; valid: boolean } {
  const parsed = dlpPolicySchema.safeParse(rules);
  return parsed.success ? { policy: parsed.data, valid: true } : { policy: DEFAULT_DLP_POLICY, valid: false };
}

let compiledCache = new Map<string, CompiledDlpPolicy>();

function compileStored(key: string, rules: unknown, next: Map<string, CompiledDlpPolicy>): CompiledDlpPolicy {
  const hit = compiledCache.get(key) ?? next.get(key);
  if (hit) {
    next.set(key, hit);
    return hit;
  }
  let compiled: CompiledDlpPolicy;
  try {
    compiled = compilePolicy(storedPolicy(rules).policy);
  } catch {
    compiled = compilePolicy(DEFAULT_DLP_POLICY);
  }
  next.set(key, compiled);
  return compiled;
}

export interface DlpRows {
  policies: {
    id: string;
    scope: string;
    scopeId: string | null;
    enabled: boolean;
    rules: unknown;
    updatedAt: Date;
  }[];
  orgs: { id: string; name: string; piiProtection: boolean }[];
  apps: { id: string; name: string; piiProtection: boolean }[];
}

/**
 * Builds the snapshot from the rows of one load. A policy is compiled once and reused by later loads while its
 * row is unchanged (same id and updatedAt), so the periodic reload costs no regex compilation.
 */
export function buildDlpSnapshot(rows: DlpRows): DlpSnapshot {
  const next = new Map<string, CompiledDlpPolicy>();
  const stored = new Map<string, DlpRows['policies'][number]>();
  for (const p of rows.policies) stored.set(`${p.scope}:${p.scopeId ?? ''}`, p);
  const policyOf = (scope: DlpScope, id: string | null): CompiledDlpPolicy => {
    const row = stored.get(`${scope}:${id ?? ''}`);
    return row
      ? compileStored(`${row.id}@${row.updatedAt.getTime()}`, row.rules, next)
      : compileStored('default', DEFAULT_DLP_POLICY, next);
  };
  const names = new Map<string, string>();
  const byOrg = new Map<string, CompiledDlpPolicy>();
  for (const o of rows.orgs) {
    if (!o.piiProtection) continue;
    byOrg.set(o.id, policyOf('org', o.id));
    names.set(`org:${o.id}`, o.name);
  }
  const byApp = new Map<string, CompiledDlpPolicy>();
  for (const a of rows.apps) {
    if (!a.piiProtection) continue;
    byApp.set(a.id, policyOf('app', a.id));
    names.set(`app:${a.id}`, a.name);
  }
  const g = stored.get('global:');
  const global = g?.enabled ? policyOf('global', null) : null;
  compiledCache = next;
  return { global, byOrg, byApp, names };
}
