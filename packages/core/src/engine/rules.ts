/**
 * Conditional routing rules: an ordered list of rules, each with conditions (all optional, ANDed) on the time (days
 * and hours in a time zone), the caller, the request, its headers and metadata, and an action (route to an alias,
 * power level or model; override the global strategy; prefer providers in a region). The first enabled rule whose
 * conditions all hold wins; the rest are not looked at.
 *
 * Pure: the time is passed in (`now`), time-zone math is `Intl.DateTimeFormat` on that instant.
 */
import type { Caller, Endpoint, GlobalStrategy, RequestInfo, RoutingConfig, Tier } from './types.js';

/** 0 = Sunday … 6 = Saturday. */
export type RuleDay = 0 | 1 | 2 | 3 | 4 | 5 | 6;
export type RuleFormat = 'openai' | 'anthropic';

/**
 * A time window: on `days` (absent = every day), from `from` to `to` ('HH:MM', local time in `tz`; `to` excluded).
 * A window whose `to` is earlier than its `from` wraps past midnight, and belongs to the day it starts on
 * (Friday 22:00–06:00 holds on Saturday at 02:00). Absent `from`/`to` (or equal) = the whole day.
 */
export interface RuleTimeWindow {
  tz: string;
  days?: readonly RuleDay[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface RuleCallerCondition {
  roles?: readonly string[] | undefined;
  orgIds?: readonly string[] | undefined;
  appIds?: readonly string[] | undefined;
  keyIds?: readonly string[] | undefined;
  powerLevels?: readonly Tier[] | undefined;
  regions?: readonly string[] | undefined;
}

export interface RuleRequestCondition {
  endpoints?: readonly Endpoint[] | undefined;
  formats?: readonly RuleFormat[] | undefined;
  stream?: boolean | undefined;
  hasTools?: boolean | undefined;
  hasImages?: boolean | undefined;
  minPromptTokens?: number | undefined;
  maxPromptTokens?: number | undefined;
}

/** A header (name in lower case) equal to a value, or matching a (length-capped) regular expression. */
export interface RuleHeaderCondition {
  name: string;
  equals?: string | undefined;
  matches?: string | undefined;
}

export interface RuleMetadataCondition {
  key: string;
  equals: string;
}

export interface RuleConditions {
  time?: RuleTimeWindow | undefined;
  caller?: RuleCallerCondition | undefined;
  request?: RuleRequestCondition | undefined;
  headers?: readonly RuleHeaderCondition[] | undefined;
  metadata?: readonly RuleMetadataCondition[] | undefined;
}

/**
 * What a matching rule does; at least one of:
 * - `route`: the request is routed to this alias, power level or model in place of the one it named;
 * - `strategy`: the global strategy (cost / balanced / quality) for this request;
 * - `region`: providers in this region are preferred — tried first, the others follow as fallbacks.
 */
export interface RuleAction {
  route?: string | undefined;
  strategy?: GlobalStrategy | undefined;
  region?: string | undefined;
}

export interface RoutingRule {
  id: string;
  name: string;
  enabled: boolean;
  order: number;
  when: RuleConditions;
  then: RuleAction;
}

/** The rule that decided, as the trace shows it. */
export interface RuleTrace {
  id: string;
  name: string;
  route?: string;
  strategy?: GlobalStrategy;
  region?: string;
}

/** The longest header value a rule looks at (longer values are cut before matching). */
export const RULE_HEADER_VALUE_MAX = 1000;
/** The longest regular expression a header condition may hold. */
export const RULE_REGEX_MAX = 200;

const DAY_OF: Readonly<Record<string, RuleDay>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(tz: string): Intl.DateTimeFormat | null {
  let f = formatters.get(tz);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      f = null;
    }
    if (formatters.size > 500) formatters.clear();
    formatters.set(tz, f);
  }
  return f;
}

/** Whether `tz` is an IANA time zone this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  return tz.length > 0 && tz.length <= 64 && formatterFor(tz) !== null;
}

/** The local weekday and minute of the day at `now` in `tz`; null for an unknown zone. */
export function localTime(now: number, tz: string): { day: RuleDay; minute: number } | null {
  const f = formatterFor(tz);
  if (!f) return null;
  let day: RuleDay = 0;
  let hour = 0;
  let minute = 0;
  for (const p of f.formatToParts(now)) {
    if (p.type === 'weekday') day = DAY_OF[p.value] ?? 0;
    else if (p.type === 'hour') hour = Number(p.value) % 24;
    else if (p.type === 'minute') minute = Number(p.value);
  }
  return { day, minute: hour * 60 + minute };
}

/** 'HH:MM' → minutes since midnight; null when malformed. '24:00' is the end of the day. */
export function parseClock(s: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(s);
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v > 24 * 60 ? null : v;
}

function inWindow(w: RuleTimeWindow, now: number): { ok: boolean; detail: string } {
  const t = localTime(now, w.tz);
  if (!t) return { ok: false, detail: `unknown time zone ${w.tz}` };
  const hhmm = `${String(Math.floor(t.minute / 60)).padStart(2, '0')}:${String(t.minute % 60).padStart(2, '0')}`;
  const detail = `${['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][t.day]} ${hhmm} ${w.tz}`;
  const dayOk = (d: number) => !w.days || w.days.length === 0 || w.days.includes(d as RuleDay);
  const from = w.from ? parseClock(w.from) : null;
  const to = w.to ? parseClock(w.to) : null;
  if (from === null || to === null || from === to) return { ok: dayOk(t.day), detail };
  if (from < to) return { ok: dayOk(t.day) && t.minute >= from && t.minute < to, detail };
  // Wraps past midnight: the evening part belongs to today, the early part to yesterday's window.
  if (t.minute >= from) return { ok: dayOk(t.day), detail };
  if (t.minute < to) return { ok: dayOk((t.day + 6) % 7), detail };
  return { ok: false, detail };
}

const regexCache = new Map<string, RegExp | null>();

/** A header condition's pattern, compiled once; null when it does not compile (it then never matches). */
function regexOf(pattern: string): RegExp | null {
  let r = regexCache.get(pattern);
  if (r === undefined) {
    try {
      r = pattern.length <= RULE_REGEX_MAX ? new RegExp(pattern, 'i') : null;
    } catch {
      r = null;
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, r);
  }
  return r;
}

/**
 * Whether a regular expression is safe enough to run on a header value: at most {@link RULE_REGEX_MAX}
 * characters, compiles, and no quantified group that itself holds a quantifier (`(a+)+`, `(a|b*)*` — the shapes
 * that backtrack exponentially) and no back-references.
 */
export function unsafeRegexReason(pattern: string): string | null {
  if (pattern.length > RULE_REGEX_MAX) return `must be at most ${RULE_REGEX_MAX} characters`;
  try {
    new RegExp(pattern);
  } catch {
    return 'is not a valid regular expression';
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'must not use back-references';
  if (/\([^)]*[+*}][^)]*\)\s*[+*{?]/.test(pattern))
    return 'must not repeat a group that repeats (e.g. (a+)+)';
  return null;
}

/** The client format of an endpoint: Anthropic's messages (and count_tokens), else OpenAI. */
export function formatOfEndpoint(endpoint: Endpoint): RuleFormat {
  return endpoint === 'messages' || endpoint === 'count_tokens' ? 'anthropic' : 'openai';
}

/** One condition of a rule and whether it held, for the editor's tester. */
export interface ConditionCheck {
  kind: 'time' | 'caller' | 'request' | 'header' | 'metadata';
  field: string;
  ok: boolean;
  /** What was seen (the local time, the caller's role, the prompt size …). */
  detail: string;
}

export interface RuleExplanation {
  id: string;
  name: string;
  enabled: boolean;
  matched: boolean;
  /** Whether this rule is the one that decides (the first enabled match). */
  chosen: boolean;
  checks: ConditionCheck[];
}

export interface RuleContext {
  request: Pick<RequestInfo, 'endpoint' | 'promptTokens' | 'needs' | 'stream' | 'headers' | 'metadata'>;
  caller: Pick<Caller, 'keyId' | 'orgId' | 'appId' | 'powerLevel' | 'role' | 'region'>;
  now: number;
}

function listCheck(
  out: ConditionCheck[],
  kind: ConditionCheck['kind'],
  field: string,
  list: readonly string[] | undefined,
  value: string | null | undefined,
): boolean {
  if (!list || list.length === 0) return true;
  const ok = value !== null && value !== undefined && list.includes(value);
  out.push({ kind, field, ok, detail: value ?? '(none)' });
  return ok;
}

/**
 * Checks one rule's conditions. With `all` false it stops at the first failing condition (the hot path); with
 * `all` true it checks every condition (the tester shows each).
 */
function check(rule: RoutingRule, ctx: RuleContext, all: boolean): { ok: boolean; checks: ConditionCheck[] } {
  const checks: ConditionCheck[] = [];
  const w = rule.when;
  let ok = true;
  const done = () => !ok && !all;
  if (w.time) {
    const r = inWindow(w.time, ctx.now);
    checks.push({ kind: 'time', field: 'time', ok: r.ok, detail: r.detail });
    ok &&= r.ok;
    if (done()) return { ok, checks };
  }
  const c = w.caller;
  if (c) {
    ok = listCheck(checks, 'caller', 'roles', c.roles, ctx.caller.role) && ok;
    ok = listCheck(checks, 'caller', 'orgIds', c.orgIds, ctx.caller.orgId) && ok;
    ok = listCheck(checks, 'caller', 'appIds', c.appIds, ctx.caller.appId) && ok;
    ok = listCheck(checks, 'caller', 'keyIds', c.keyIds, ctx.caller.keyId) && ok;
    ok = listCheck(checks, 'caller', 'powerLevels', c.powerLevels, ctx.caller.powerLevel) && ok;
    ok = listCheck(checks, 'caller', 'regions', c.regions, ctx.caller.region) && ok;
    if (done()) return { ok, checks };
  }
  const q = w.request;
  if (q) {
    const req = ctx.request;
    ok = listCheck(checks, 'request', 'endpoints', q.endpoints, req.endpoint) && ok;
    ok = listCheck(checks, 'request', 'formats', q.formats, formatOfEndpoint(req.endpoint)) && ok;
    const flag = (field: string, want: boolean | undefined, have: boolean) => {
      if (want === undefined) return;
      const r = want === have;
      checks.push({ kind: 'request', field, ok: r, detail: String(have) });
      ok &&= r;
    };
    flag('stream', q.stream, req.stream === true);
    flag('hasTools', q.hasTools, req.needs.includes('tools'));
    flag('hasImages', q.hasImages, req.needs.includes('vision'));
    if (q.minPromptTokens !== undefined) {
      const r = req.promptTokens >= q.minPromptTokens;
      checks.push({ kind: 'request', field: 'minPromptTokens', ok: r, detail: String(req.promptTokens) });
      ok &&= r;
    }
    if (q.maxPromptTokens !== undefined) {
      const r = req.promptTokens <= q.maxPromptTokens;
      checks.push({ kind: 'request', field: 'maxPromptTokens', ok: r, detail: String(req.promptTokens) });
      ok &&= r;
    }
    if (done()) return { ok, checks };
  }
  for (const h of w.headers ?? []) {
    const name = h.name.toLowerCase();
    const raw = ctx.request.headers?.[name];
    const v = raw === undefined ? undefined : raw.slice(0, RULE_HEADER_VALUE_MAX);
    let r = v !== undefined;
    if (r && h.equals !== undefined) r = v === h.equals;
    if (r && h.matches !== undefined) r = regexOf(h.matches)?.test(v!) ?? false;
    checks.push({
      kind: 'header',
      field: name,
      ok: r,
      detail: v === undefined ? '(absent)' : v.slice(0, 100),
    });
    ok &&= r;
    if (done()) return { ok, checks };
  }
  for (const m of w.metadata ?? []) {
    const v = ctx.request.metadata?.[m.key];
    const r = v === m.equals;
    checks.push({
      kind: 'metadata',
      field: m.key,
      ok: r,
      detail: v === undefined ? '(absent)' : v.slice(0, 100),
    });
    ok &&= r;
    if (done()) return { ok, checks };
  }
  return { ok, checks };
}

/** The rules in the order they are tried: by `order`, then by id (stable whatever the list's order). */
export function orderedRules(rules: readonly RoutingRule[]): RoutingRule[] {
  return [...rules].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const sortedCache = new WeakMap<readonly RoutingRule[], RoutingRule[]>();

/** The first enabled rule whose conditions all hold, or null. */
export function matchRule(rules: readonly RoutingRule[], ctx: RuleContext): RoutingRule | null {
  let sorted = sortedCache.get(rules);
  if (!sorted) {
    sorted = orderedRules(rules).filter((r) => r.enabled);
    sortedCache.set(rules, sorted);
  }
  for (const r of sorted) if (check(r, ctx, false).ok) return r;
  return null;
}

/** Every rule in order, with each of its conditions checked, and which one decides (the editor's tester). */
export function explainRules(rules: readonly RoutingRule[], ctx: RuleContext): RuleExplanation[] {
  let chosen = false;
  return orderedRules(rules).map((r) => {
    const { ok, checks } = check(r, ctx, true);
    const isChosen = !chosen && r.enabled && ok;
    if (isChosen) chosen = true;
    return { id: r.id, name: r.name, enabled: r.enabled, matched: ok, chosen: isChosen, checks };
  });
}

/** The rule as the trace shows it. */
export function ruleTrace(rule: RoutingRule): RuleTrace {
  return {
    id: rule.id,
    name: rule.name,
    ...(rule.then.route ? { route: rule.then.route } : {}),
    ...(rule.then.strategy ? { strategy: rule.then.strategy } : {}),
    ...(rule.then.region ? { region: rule.then.region } : {}),
  };
}

/** What the proxy must collect for a config's rules: the header names and metadata keys they look at. */
export interface RuleInputs {
  headers: readonly string[];
  metadata: readonly string[];
}

const inputsCache = new WeakMap<RoutingConfig, RuleInputs>();
const NO_INPUTS: RuleInputs = { headers: [], metadata: [] };

/** The header names (lower case) and metadata keys the enabled rules reference (computed once per config). */
export function ruleInputs(config: RoutingConfig): RuleInputs {
  if (!config.rules || config.rules.length === 0) return NO_INPUTS;
  let r = inputsCache.get(config);
  if (!r) {
    r = ruleInputsOf(config.rules);
    inputsCache.set(config, r);
  }
  return r;
}

/** The header names (lower case) and metadata keys a list of rules references (its enabled rules). */
export function ruleInputsOf(rules: readonly RoutingRule[]): RuleInputs {
  const headers = new Set<string>();
  const metadata = new Set<string>();
  for (const rule of rules) {
    if (!rule.enabled) continue;
    for (const h of rule.when.headers ?? []) headers.add(h.name.toLowerCase());
    for (const m of rule.when.metadata ?? []) metadata.add(m.key);
  }
  return { headers: [...headers], metadata: [...metadata] };
}

/**
 * The rule that applies to a request, or null: the single entry point `plan()` calls (nothing is built when the
 * config has no rules).
 */
export function applyRules(config: RoutingConfig, ctx: RuleContext): RoutingRule | null {
  if (!config.rules || config.rules.length === 0) return null;
  return matchRule(config.rules, ctx);
}
