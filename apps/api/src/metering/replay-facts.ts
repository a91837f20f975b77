import {
  CAPABILITY_VALUES,
  PARAM_LABEL,
  type Capability,
  type Endpoint,
  type RequestInfo,
  type RequestParam,
} from '@switchyard/core';

/**
 * What a replay of a logged request needs beyond its record's columns, stored first in the record's trace
 * (`{"facts":{…},…}`; the what-if simulator cuts it from the stored text without parsing the rest, so it holds no
 * nested object): its needs other than chat, its max tokens, its routing parameters and the answers it asked for
 * (`n`, when more than one: what it may cost and reserves counts each).
 */
export interface StoredReplayFacts {
  needs?: string[];
  maxTokens?: number;
  params?: string[];
  choices?: number;
}

/** The replay facts of a request; undefined (not stored) for a plain chat request. */
export function replayFacts(f: {
  needs: readonly string[];
  maxTokens: number | null;
  params?: readonly string[] | undefined;
  choices?: number | undefined;
}): StoredReplayFacts | undefined {
  // The plain case (chat only, no max tokens, no parameters: one answer) allocates nothing.
  if (f.maxTokens === null && !f.params?.length && f.needs.every((n) => n === 'chat')) return undefined;
  const needs = f.needs.filter((n) => n !== 'chat');
  return {
    ...(needs.length > 0 ? { needs } : {}),
    ...(f.maxTokens !== null ? { maxTokens: f.maxTokens } : {}),
    ...(f.params?.length ? { params: [...f.params] } : {}),
    ...(f.choices !== undefined && f.choices > 1 ? { choices: f.choices } : {}),
  };
}

/** The replay facts as routing takes them. */
export interface ReplayFacts {
  needs: Capability[];
  maxTokens: number | null;
  params: RequestParam[] | undefined;
  /** The answers asked for (`n`) when more than one. */
  choices: number | undefined;
}

const CAPABILITIES = new Set<string>(CAPABILITY_VALUES);
const PARAMS = new Set<string>(Object.keys(PARAM_LABEL));

/**
 * Stored replay facts read back (anything that is not one is ignored: an old row, a plain chat request): the
 * endpoint's own need plus the stored ones, the max tokens, the parameters.
 */
export function readReplayFacts(stored: unknown, endpoint: Endpoint): ReplayFacts {
  const s = (stored && typeof stored === 'object' ? stored : {}) as {
    needs?: unknown;
    maxTokens?: unknown;
    params?: unknown;
    choices?: unknown;
  };
  const extra = (Array.isArray(s.needs) ? s.needs : []).filter(
    (n): n is Capability => typeof n === 'string' && CAPABILITIES.has(n),
  );
  const base: Capability[] = endpoint === 'embeddings' ? ['embeddings'] : ['chat'];
  const params = (Array.isArray(s.params) ? s.params : []).filter(
    (p): p is RequestParam => typeof p === 'string' && PARAMS.has(p),
  );
  return {
    needs: [...new Set([...base, ...extra])],
    maxTokens:
      typeof s.maxTokens === 'number' && Number.isInteger(s.maxTokens) && s.maxTokens > 0
        ? s.maxTokens
        : null,
    params: params.length > 0 ? params : undefined,
    choices:
      typeof s.choices === 'number' && Number.isInteger(s.choices) && s.choices > 1 ? s.choices : undefined,
  };
}

/**
 * The values of the headers and metadata keys routing rules looked at, as the record keeps them (so the rules
 * tester can replay a logged request): only those keys (the proxy collects no others), and not for a request data
 * protection applied to (a value there may be what protection masks): `"protected"` then. Undefined when no rule
 * looked at any.
 */
export type StoredRuleInputs =
  { headers?: Readonly<Record<string, string>>; metadata?: Readonly<Record<string, string>> } | 'protected';

export function ruleInputsRecord(
  facts: Pick<RequestInfo, 'headers' | 'metadata'>,
  isProtected: boolean,
): StoredRuleInputs | undefined {
  const { headers, metadata } = facts;
  if (headers === undefined && metadata === undefined) return undefined;
  if (isProtected) return 'protected';
  return { ...(headers ? { headers } : {}), ...(metadata ? { metadata } : {}) };
}

/** A logged request's rule inputs read back: what was kept, that they were withheld, or none. */
export function readRuleInputs(
  stored: unknown,
):
  | { kept: 'kept'; headers: Record<string, string>; metadata: Record<string, string> }
  | { kept: 'protected' | 'none' } {
  if (stored === 'protected') return { kept: 'protected' };
  if (!stored || typeof stored !== 'object') return { kept: 'none' };
  const s = stored as { headers?: unknown; metadata?: unknown };
  // Own properties only (Object.fromEntries: a `__proto__` key stays a key).
  const strings = (v: unknown): Record<string, string> =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
      : {};
  return { kept: 'kept', headers: strings(s.headers), metadata: strings(s.metadata) };
}

/** An agent the x-switchyard-agent header named (its effort as resolved), as routing replays it. */
export interface ReplayAgent {
  id: string;
  effort: string | null;
}

/**
 * A recorded plan's `agent` read back when the header named it (one named by the model, `agent:<id>`, is in the
 * model already); null otherwise, or for anything that is not one.
 */
export function readHeaderAgent(stored: unknown): ReplayAgent | null {
  const a = (stored && typeof stored === 'object' ? stored : {}) as {
    id?: unknown;
    effort?: unknown;
    via?: unknown;
  };
  if (a.via !== 'header' || typeof a.id !== 'string') return null;
  return { id: a.id, effort: typeof a.effort === 'string' ? a.effort : null };
}
