import {
  DEFAULT_DLP_POLICY,
  compilePolicy,
  dlpPolicySchema,
  type CompiledDlpPolicy,
  type DlpPolicy,
} from '@switchyard/core';
import type { Logger } from '../lib/logger.js';

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

/** A custom rule of a stored policy that the gateway refuses now (a check added after it was saved). */
export interface RefusedRule {
  /** Its place in the stored policy's custom rules, from 0. */
  index: number;
  name: string;
  pattern: string;
  flags: string;
  action: string;
  problem: string;
}

export interface StoredPolicy {
  /** The policy in force: the stored one, or DEFAULT_DLP_POLICY when the stored one is refused. */
  policy: DlpPolicy;
  valid: boolean;
  /** Why the stored policy is not in force (the default applies), or null. */
  problem: string | null;
  /** The stored policy without its refused rules (what an admin fixes and saves), when that much parses. */
  editable: DlpPolicy;
  refused: RefusedRule[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * A stored policy as the scanner runs it. A row written before a schema change that no longer parses (or compiles)
 * falls back to the default policy (every detector masking): protection that was on stays on. The fallback is not
 * silent: `problem` and `refused` say what the gateway refuses (the dashboard marks the scope "not in force", and the
 * snapshot logs it).
 */
export function storedPolicy(rules: unknown): StoredPolicy {
  const parsed = dlpPolicySchema.safeParse(rules);
  if (parsed.success)
    return { policy: parsed.data, valid: true, problem: null, editable: parsed.data, refused: [] };
  const stored = (typeof rules === 'object' && rules !== null ? rules : {}) as { customRules?: unknown };
  const list = Array.isArray(stored.customRules) ? (stored.customRules as unknown[]) : [];
  const byIndex = new Map<number, string>();
  const other: string[] = [];
  for (const issue of parsed.error.issues) {
    const [top, index] = issue.path;
    if (top === 'customRules' && typeof index === 'number' && index < list.length) {
      if (!byIndex.has(index))
        byIndex.set(index, `${issue.path.slice(2).join('.') || 'rule'} ${issue.message}`);
    } else other.push(`${issue.path.join('.') || 'policy'}: ${issue.message}`);
  }
  const refused: RefusedRule[] = [...byIndex].map(([index, problem]) => {
    const r = (list[index] ?? {}) as Record<string, unknown>;
    return {
      index,
      name: str(r.name),
      pattern: str(r.pattern),
      flags: str(r.flags),
      action: str(r.action),
      problem,
    };
  });
  const rest = dlpPolicySchema.safeParse({ ...stored, customRules: list.filter((_, i) => !byIndex.has(i)) });
  const reasons = [
    ...refused.map((r) => `custom rule ${r.index + 1}${r.name ? ` (${r.name})` : ''}: ${r.problem}`),
    ...other,
  ];
  return {
    policy: DEFAULT_DLP_POLICY,
    valid: false,
    problem: `The saved policy is refused by the gateway (${reasons.join('; ')}), so the default policy applies: every built-in detector masking, no custom rule.`,
    editable: rest.success ? rest.data : DEFAULT_DLP_POLICY,
    refused,
  };
}

let compiledCache = new Map<string, CompiledDlpPolicy>();

function compileStored(
  key: string,
  rules: unknown,
  next: Map<string, CompiledDlpPolicy>,
  onFallback: (problem: string) => void,
): CompiledDlpPolicy {
  const hit = compiledCache.get(key) ?? next.get(key);
  if (hit) {
    next.set(key, hit);
    return hit;
  }
  let compiled: CompiledDlpPolicy;
  const stored = storedPolicy(rules);
  if (stored.problem !== null) onFallback(stored.problem);
  try {
    compiled = compilePolicy(stored.policy);
  } catch (err) {
    onFallback(err instanceof Error ? err.message : String(err));
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
 * row is unchanged (same id and updatedAt), so the periodic reload costs no regex compilation. `onFallback` hears of
 * each stored policy (once per version) that is refused and replaced by the default.
 */
export function buildDlpSnapshot(
  rows: DlpRows,
  onFallback: (scope: string, problem: string) => void = () => undefined,
): DlpSnapshot {
  const next = new Map<string, CompiledDlpPolicy>();
  const stored = new Map<string, DlpRows['policies'][number]>();
  for (const p of rows.policies) stored.set(`${p.scope}:${p.scopeId ?? ''}`, p);
  const policyOf = (scope: DlpScope, id: string | null): CompiledDlpPolicy => {
    const row = stored.get(`${scope}:${id ?? ''}`);
    return row
      ? compileStored(`${row.id}@${row.updatedAt.getTime()}`, row.rules, next, (problem) =>
          onFallback(id === null ? scope : `${scope}:${id}`, problem),
        )
      : compileStored('default', DEFAULT_DLP_POLICY, next, () => undefined);
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

/** Logs each stored policy the gateway refuses (once per saved version and process): the operator sees the fallback. */
export function dlpFallbackLogger(logger: Logger): (scope: string, problem: string) => void {
  return (scope, problem) =>
    logger.warn(
      { scope, problem },
      'data-protection policy not in force: the default policy applies in its place',
    );
}
