import type { CreateRuleInput, WhatIfBodyInput, WhatIfChangeInput } from '@switchyard/core';

export type Strategy = 'cost' | 'balanced' | 'quality';
export type AliasStrategy = 'ordered' | 'round-robin' | 'weighted' | 'quota-aware' | 'least-busy' | 'latency';
export type Tier = 'eco' | 'balanced' | 'precision';

/** The what-if page's form: a range and the parts of a candidate change (each left empty = unchanged). */
export interface WhatIfForm {
  /** YYYY-MM-DD, both days included. */
  from: string;
  to: string;
  strategy: Strategy | '';
  disableProviders: string[];
  disableModel: string;
  replaceFrom: string;
  replaceTo: string;
  /** The alias edited: `<scope>|<name>` of an existing alias, '' = none. */
  alias: string;
  aliasStrategy: AliasStrategy | '';
  /** Targets as edited (weights as typed); empty = the alias keeps its targets. */
  aliasTargets: { ref: string; weight: string }[];
  powerLevel: Tier | '';
  powerLevelTier: Tier | '';
  /** The level's explicit models, in order. */
  powerLevelRefs: string[];
  /** The routing rules switched on in the candidate, by id; null = the rules replay as configured. */
  rulesOn: string[] | null;
}

/** A stored rule as the what-if needs it (its conditions and action go into the candidate unchanged). */
export type WhatIfRule = Required<Pick<CreateRuleInput, 'name' | 'when' | 'then'>> & {
  id: string;
  enabled: boolean;
};

const DAY = 86_400_000;
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last 7 days (today included), nothing changed. */
export function emptyForm(now: number, over: Partial<WhatIfForm> = {}): WhatIfForm {
  return {
    from: ymd(now - 6 * DAY),
    to: ymd(now),
    strategy: '',
    disableProviders: [],
    disableModel: '',
    replaceFrom: '',
    replaceTo: '',
    alias: '',
    aliasStrategy: '',
    aliasTargets: [],
    powerLevel: '',
    powerLevelTier: '',
    powerLevelRefs: [],
    rulesOn: null,
    ...over,
  };
}

/** The form prefilled from the page's address (`?replaceFrom=…&replaceTo=…&days=30`, as savings advice links). */
export function formFromSearch(now: number, search: URLSearchParams): WhatIfForm {
  const days = Number(search.get('days'));
  return emptyForm(now, {
    ...(Number.isInteger(days) && days >= 1 && days <= 92 ? { from: ymd(now - (days - 1) * DAY) } : {}),
    replaceFrom: search.get('replaceFrom') ?? '',
    replaceTo: search.get('replaceTo') ?? '',
  });
}

/** Where an organization's owners and admins run the what-if over its traffic (`?org=<id>`). */
export const ORG_WHATIF_PATH = '/org-whatif';

/**
 * The address that opens the page prefilled with "route `from` to `to`" over the last 30 days: the operators'
 * page, or with `orgId` the organization's page for that organization.
 */
export function replaceLink(from: string, to: string, orgId?: string): string {
  const q = new URLSearchParams({ replaceFrom: from, replaceTo: to, days: '30' });
  if (orgId === undefined) return `/llm/whatif?${q}`;
  return `${ORG_WHATIF_PATH}?${new URLSearchParams({ org: orgId, ...Object.fromEntries(q) })}`;
}

/** Why the form cannot run, by field; empty = it can. */
export function formErrors(f: WhatIfForm): Partial<Record<keyof WhatIfForm, string>> {
  const e: Partial<Record<keyof WhatIfForm, string>> = {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.from)) e.from = 'Pick a day';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.to)) e.to = 'Pick a day';
  else if (!e.from && f.to < f.from) e.to = 'The last day comes after the first';
  if ((f.replaceFrom === '') !== (f.replaceTo === '')) e.replaceTo = 'Pick both models';
  else if (f.replaceFrom !== '' && f.replaceFrom === f.replaceTo) e.replaceTo = 'Pick another model';
  if (f.alias && f.aliasTargets.length > 0) {
    const ws = f.aliasTargets.map((t) => Number(t.weight));
    if (f.aliasTargets.some((t) => t.ref === '')) e.aliasTargets = 'Every target needs a model';
    else if (ws.some((w) => !Number.isFinite(w) || w < 0)) e.aliasTargets = 'Weights are numbers from 0';
    else if (ws.every((w) => w === 0)) e.aliasTargets = 'At least one weight above 0';
  }
  return e;
}

/**
 * The rules switched on after flipping one: from the configured state the first time, so the candidate is "the
 * rules as they are, with this one on or off".
 */
export function toggleRule(f: WhatIfForm, rules: readonly WhatIfRule[], id: string, on: boolean): string[] {
  const current = f.rulesOn ?? rules.filter((r) => r.enabled).map((r) => r.id);
  return on ? [...new Set([...current, id])] : current.filter((x) => x !== id);
}

/** The candidate change the form describes (`rules`: the stored rules, for a candidate that switches some). */
export function changeOf(f: WhatIfForm, rules: readonly WhatIfRule[] = []): WhatIfChangeInput {
  const change: WhatIfChangeInput = {};
  if (f.strategy) change.strategy = f.strategy;
  if (f.disableProviders.length > 0) change.disableProviders = [...f.disableProviders];
  if (f.disableModel) change.disableModels = [f.disableModel];
  if (f.replaceFrom && f.replaceTo) change.replaceModels = [{ from: f.replaceFrom, to: f.replaceTo }];
  if (f.alias && (f.aliasStrategy || f.aliasTargets.length > 0)) {
    const [scope = 'global', ...rest] = f.alias.split('|');
    const name = rest.join('|');
    change.aliases = [
      {
        name,
        ...(scope.startsWith('org:') ? { orgId: scope.slice(4) } : {}),
        ...(f.aliasStrategy ? { strategy: f.aliasStrategy } : {}),
        ...(f.aliasTargets.length > 0
          ? { targets: f.aliasTargets.map((t) => ({ ref: t.ref, weight: Number(t.weight) })) }
          : {}),
      },
    ];
  }
  if (f.powerLevel && (f.powerLevelTier || f.powerLevelRefs.length > 0))
    change.powerLevels = [
      {
        slug: f.powerLevel,
        ...(f.powerLevelTier ? { tier: f.powerLevelTier } : {}),
        ...(f.powerLevelRefs.length > 0 ? { modelRefs: [...f.powerLevelRefs] } : {}),
      },
    ];
  if (f.rulesOn !== null) {
    const on = new Set(f.rulesOn);
    // Only a real difference from the configured rules is a change.
    if (rules.some((r) => r.enabled !== on.has(r.id)))
      change.rules = rules.map((r) => ({ name: r.name, when: r.when, then: r.then, enabled: on.has(r.id) }));
  }
  return change;
}

/**
 * The request body: the days as UTC midnights, the last day included. With `orgId`, one organization's traffic
 * under the changes its admins may try (the API refuses disabled providers, routing rules and aliases that are
 * not the organization's own: they are left out).
 */
export function bodyOf(f: WhatIfForm, rules: readonly WhatIfRule[] = [], orgId?: string): WhatIfBodyInput {
  const change = changeOf(f, rules);
  if (orgId !== undefined) {
    delete change.disableProviders;
    delete change.rules;
    const own = change.aliases?.filter((a) => a.orgId === orgId);
    if (own?.length) change.aliases = own;
    else delete change.aliases;
  }
  return {
    from: `${f.from}T00:00:00.000Z`,
    to: new Date(Date.parse(`${f.to}T00:00:00.000Z`) + DAY).toISOString(),
    change,
    ...(orgId === undefined ? {} : { orgId }),
  };
}

/** "+$1.20" / "−$0.40": a projected difference, signed. */
export function signedUsd(n: number, format: (n: number) => string): string {
  if (n === 0) return format(0);
  return `${n > 0 ? '+' : '−'}${format(Math.abs(n))}`;
}
