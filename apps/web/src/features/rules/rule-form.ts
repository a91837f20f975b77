/**
 * The rule editor's form: flat text fields (lists as comma-separated text, headers and metadata one per line)
 * converted to and from the API's rule body. Pure, unit-tested.
 */
import type { CreateRuleInput, Rule } from '@switchyard/core';

export type TriState = 'any' | 'yes' | 'no';

export interface RuleForm {
  name: string;
  enabled: boolean;
  /** Time window: empty time zone = no time condition. */
  tz: string;
  days: number[];
  from: string;
  to: string;
  roles: string;
  orgIds: string;
  appIds: string;
  keyIds: string;
  powerLevels: string;
  regions: string;
  endpoints: string;
  formats: string;
  stream: TriState;
  hasTools: TriState;
  hasImages: TriState;
  minPromptTokens: string;
  maxPromptTokens: string;
  /** One per line: `name: value` (equals), `name ~ regex` (matches) or `name` (present). */
  headers: string;
  /** One per line: `key=value`. */
  metadata: string;
  route: string;
  strategy: '' | 'cost' | 'balanced' | 'quality';
  region: string;
}

export const DAY_LABELS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

export const emptyRuleForm = (): RuleForm => ({
  name: '',
  enabled: true,
  tz: '',
  days: [],
  from: '',
  to: '',
  roles: '',
  orgIds: '',
  appIds: '',
  keyIds: '',
  powerLevels: '',
  regions: '',
  endpoints: '',
  formats: '',
  stream: 'any',
  hasTools: 'any',
  hasImages: 'any',
  minPromptTokens: '',
  maxPromptTokens: '',
  headers: '',
  metadata: '',
  route: '',
  strategy: '',
  region: '',
});

const list = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const join = (l: readonly (string | number)[] | undefined) => (l ?? []).join(', ');
const tri = (t: TriState): boolean | undefined => (t === 'any' ? undefined : t === 'yes');
const triOf = (b: boolean | undefined): TriState => (b === undefined ? 'any' : b ? 'yes' : 'no');
const int = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s.trim()));

/** Drops the keys whose value is undefined or an empty list, and the object itself when nothing is left. */
function compact<T extends Record<string, unknown>>(o: T): T | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return Object.keys(out).length > 0 ? (out as T) : undefined;
}

function parseHeaders(text: string) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const re = /^([^:~\s]+)\s*~\s*(.*)$/.exec(l);
      if (re) return { name: re[1]!, matches: re[2]! };
      const eq = /^([^:~\s]+)\s*:\s*(.*)$/.exec(l);
      if (eq) return { name: eq[1]!, equals: eq[2]! };
      return { name: l };
    });
}

function parseMetadata(text: string) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const i = l.indexOf('=');
      return i === -1 ? { key: l, equals: '' } : { key: l.slice(0, i).trim(), equals: l.slice(i + 1).trim() };
    });
}

/** The form as the API's create (and update) body. */
export function ruleBodyOf(f: RuleForm): CreateRuleInput {
  const time = f.tz.trim()
    ? compact({
        tz: f.tz.trim(),
        days: f.days,
        from: f.from.trim() || undefined,
        to: f.to.trim() || undefined,
      })
    : undefined;
  const when = compact({
    time,
    caller: compact({
      roles: list(f.roles),
      orgIds: list(f.orgIds),
      appIds: list(f.appIds),
      keyIds: list(f.keyIds),
      powerLevels: list(f.powerLevels),
      regions: list(f.regions),
    }),
    request: compact({
      endpoints: list(f.endpoints),
      formats: list(f.formats),
      stream: tri(f.stream),
      hasTools: tri(f.hasTools),
      hasImages: tri(f.hasImages),
      minPromptTokens: int(f.minPromptTokens),
      maxPromptTokens: int(f.maxPromptTokens),
    }),
    headers: parseHeaders(f.headers),
    metadata: parseMetadata(f.metadata),
  });
  const then = compact({
    route: f.route.trim() || undefined,
    strategy: f.strategy || undefined,
    region: f.region.trim() || undefined,
  });
  return { name: f.name.trim(), enabled: f.enabled, when: when ?? {}, then: then ?? {} } as CreateRuleInput;
}

/** A stored rule as the form shows it. */
export function ruleFormOf(r: Pick<Rule, 'name' | 'enabled' | 'when' | 'then'>): RuleForm {
  const w = r.when;
  return {
    ...emptyRuleForm(),
    name: r.name,
    enabled: r.enabled,
    tz: w.time?.tz ?? '',
    days: [...(w.time?.days ?? [])],
    from: w.time?.from ?? '',
    to: w.time?.to ?? '',
    roles: join(w.caller?.roles),
    orgIds: join(w.caller?.orgIds),
    appIds: join(w.caller?.appIds),
    keyIds: join(w.caller?.keyIds),
    powerLevels: join(w.caller?.powerLevels),
    regions: join(w.caller?.regions),
    endpoints: join(w.request?.endpoints),
    formats: join(w.request?.formats),
    stream: triOf(w.request?.stream),
    hasTools: triOf(w.request?.hasTools),
    hasImages: triOf(w.request?.hasImages),
    minPromptTokens: w.request?.minPromptTokens?.toString() ?? '',
    maxPromptTokens: w.request?.maxPromptTokens?.toString() ?? '',
    headers: (w.headers ?? [])
      .map((h) =>
        h.matches !== undefined
          ? `${h.name} ~ ${h.matches}`
          : h.equals !== undefined
            ? `${h.name}: ${h.equals}`
            : h.name,
      )
      .join('\n'),
    metadata: (w.metadata ?? []).map((m) => `${m.key}=${m.equals}`).join('\n'),
    route: r.then.route ?? '',
    strategy: r.then.strategy ?? '',
    region: r.then.region ?? '',
  };
}

/** One line per condition kind, for the list ("Mon–Fri 22:00–06:00 Europe/Paris · header x-team ~ ^sea"). */
export function describeConditions(r: Pick<Rule, 'when'>): string {
  const w = r.when;
  const parts: string[] = [];
  if (w.time) {
    const days = w.time.days?.length ? w.time.days.map((d) => DAY_LABELS[d]).join(' ') + ' ' : '';
    const hours = w.time.from && w.time.to ? `${w.time.from}–${w.time.to} ` : '';
    parts.push(`${days}${hours}${w.time.tz}`);
  }
  const c = w.caller;
  if (c) {
    for (const [k, v] of Object.entries(c))
      if (Array.isArray(v) && v.length) parts.push(`${k} ${v.join('|')}`);
  }
  const q = w.request;
  if (q) {
    for (const [k, v] of Object.entries(q)) {
      if (Array.isArray(v)) parts.push(`${k} ${v.join('|')}`);
      else if (v !== undefined) parts.push(`${k} ${String(v)}`);
    }
  }
  for (const h of w.headers ?? [])
    parts.push(
      `header ${h.name}${h.matches !== undefined ? ` ~ ${h.matches}` : h.equals !== undefined ? ` = ${h.equals}` : ''}`,
    );
  for (const m of w.metadata ?? []) parts.push(`metadata ${m.key} = ${m.equals}`);
  return parts.length ? parts.join(' · ') : 'always';
}

/** What a rule does, in words ("route → eco · strategy cost"). */
export function describeAction(r: Pick<Rule, 'then'>): string {
  const parts: string[] = [];
  if (r.then.route) parts.push(`route → ${r.then.route}`);
  if (r.then.strategy) parts.push(`strategy ${r.then.strategy}`);
  if (r.then.region) parts.push(`prefer region ${r.then.region}`);
  return parts.join(' · ');
}

/** The ids with one moved up (-1) or down (+1); the same list when it cannot move. */
export function moveId(ids: readonly string[], id: string, delta: -1 | 1): string[] {
  const i = ids.indexOf(id);
  const j = i + delta;
  if (i === -1 || j < 0 || j >= ids.length) return [...ids];
  const out = [...ids];
  [out[i], out[j]] = [out[j]!, out[i]!];
  return out;
}
