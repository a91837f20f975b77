/**
 * Which tool made a proxied call: a short normalised name and version from the user-agent (plus Codex's `originator`),
 * the app name, and the session id the coding agents send. Pure: the proxy passes the headers in; the usage row
 * stores the result, the logs filter on it.
 */

/** The tools the dashboard names (its filter offers these; any other product token is stored as it came). */
export const CLIENT_TOOLS = [
  { id: 'claude-code', label: 'Claude Code' },
  { id: 'codex', label: 'Codex' },
  { id: 'opencode', label: 'OpenCode' },
  { id: 'cursor', label: 'Cursor' },
  { id: 'continue', label: 'Continue' },
  { id: 'ai-sdk', label: 'Vercel AI SDK' },
  { id: 'openai-js', label: 'OpenAI SDK (JS)' },
  { id: 'openai-python', label: 'OpenAI SDK (Python)' },
  { id: 'anthropic-js', label: 'Anthropic SDK (JS)' },
  { id: 'anthropic-python', label: 'Anthropic SDK (Python)' },
  { id: 'curl', label: 'curl' },
  { id: 'browser', label: 'Browser' },
] as const;

export type KnownClientTool = (typeof CLIENT_TOOLS)[number]['id'];

/** A tool name as the logs filter accepts it (`?tool=`): what `parseUserAgent` can produce. */
export const CLIENT_TOOL_PATTERN = /^[a-z0-9][a-z0-9._+-]{0,39}$/;

export interface ClientTool {
  /** Normalised name (`claude-code`, `codex`, `openai-js`, …); an unknown client's product token, lower-cased. */
  tool: string | null;
  version: string | null;
}

/** Longest stored lengths (UTF-16 units). */
export const CLIENT_TEXT_MAX = { userAgent: 300, app: 100, originator: 60, sessionId: 100 } as const;

const VERSION = '([0-9][0-9A-Za-z.+_-]{0,39})';

/** First match wins; the first group is the version. Order matters: OpenCode sends the AI SDK's token too. */
const TABLE: ReadonlyArray<readonly [RegExp, string]> = [
  [new RegExp(`^claude-(?:cli|code)/${VERSION}`, 'i'), 'claude-code'],
  [new RegExp(`^codex[_-][a-z_]+/${VERSION}`, 'i'), 'codex'],
  [new RegExp(`^codex/${VERSION}`, 'i'), 'codex'],
  [new RegExp(`\\bopencode/${VERSION}`, 'i'), 'opencode'],
  [new RegExp(`\\bCursor/${VERSION}`), 'cursor'],
  [new RegExp(`\\bContinue/${VERSION}`, 'i'), 'continue'],
  [new RegExp(`^OpenAI/JS ${VERSION}`, 'i'), 'openai-js'],
  [new RegExp(`^OpenAI/Python ${VERSION}`, 'i'), 'openai-python'],
  [new RegExp(`^Anthropic/JS ${VERSION}`, 'i'), 'anthropic-js'],
  [new RegExp(`^Anthropic/Python ${VERSION}`, 'i'), 'anthropic-python'],
  [new RegExp(`\\bai-sdk/[a-z0-9-]+/${VERSION}`, 'i'), 'ai-sdk'],
  [new RegExp(`^curl/${VERSION}`, 'i'), 'curl'],
  [/^Mozilla\/5\.0 /, 'browser'],
];

/** Any other client: its first product token (`name/version`), the name lower-cased and cut. */
const PRODUCT = /^([A-Za-z0-9][A-Za-z0-9._+-]{0,39})(?:\/([0-9A-Za-z.+_-]{1,40}))?/;

const NONE: ClientTool = { tool: null, version: null };

/** The tool and version a user-agent names (`{tool: null}` for none or for text with no product token). */
export function parseUserAgent(ua: string | undefined): ClientTool {
  if (!ua) return NONE;
  for (const [re, tool] of TABLE) {
    const m = re.exec(ua);
    if (m) return { tool, version: tool === 'browser' ? null : (m[1] ?? null) };
  }
  const p = PRODUCT.exec(ua);
  if (!p) return NONE;
  return { tool: p[1]!.toLowerCase(), version: p[2] ?? null };
}

/** Header values as node:http gives them (lower-case names). */
export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

/** What a usage row records about the caller's tool. Every text is cut to `CLIENT_TEXT_MAX`. */
export interface ClientFacts extends ClientTool {
  /** The raw user-agent, cut, with key-shaped tokens replaced by `[redacted]`. */
  userAgent: string | null;
  /** `x-title`, `x-app` or the host of `http-referer` (never its path or query). */
  app: string | null;
  /** Codex's `originator` header. */
  originator: string | null;
  sessionId: string | null;
}

const one = (v: string | string[] | undefined): string | undefined => (typeof v === 'string' ? v : v?.[0]);

/** `v` cut to at most `max` UTF-16 units, never between the two halves of a surrogate pair. */
function cut(v: string, max: number): string {
  if (v.length <= max) return v;
  const last = v.charCodeAt(max - 1);
  return v.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/**
 * Key-shaped tokens: a known secret prefix (`sk-`, `sy-`, `Bearer `…) followed by 12+ key characters, or any run of 32+
 * base64url characters with no dot or slash (a version or a path never looks like that; a hex device id is hidden too,
 * which is harmless).
 */
const SECRETISH = /\b(?:sk|sy|pk|rk|key|token|bearer)[-_ ][A-Za-z0-9_-]{12,}|[A-Za-z0-9_-]{32,}/gi;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f]/g;

/** A user-agent as stored: secrets hidden, control characters removed, cut. */
export function storedUserAgent(ua: string): string {
  return cut(ua.replace(SECRETISH, '[redacted]').replace(CONTROLS, ''), CLIENT_TEXT_MAX.userAgent);
}

/** A plain label: control characters removed, trimmed, cut; null when nothing is left. */
function label(v: string | undefined, max: number): string | null {
  if (!v) return null;
  // The common case (a short clean name such as Claude Code's `x-app: cli`) is returned as it came, without a copy.
  if (v.length <= max && !CONTROL.test(v) && v.charCodeAt(0) > 32 && v.charCodeAt(v.length - 1) > 32)
    return v;
  const s = cut(v.replace(CONTROLS, '').trim(), max).trim();
  return s === '' ? null : s;
}

const REFERER_HOST = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?([^/?#]+)/i;

/** `x-title`, then `x-app`, then the referer's host (the path and query may carry tokens; they are never kept). */
function appName(h: HeaderBag): string | null {
  const named = label(one(h['x-title']), CLIENT_TEXT_MAX.app) ?? label(one(h['x-app']), CLIENT_TEXT_MAX.app);
  if (named !== null) return named;
  const ref = one(h['http-referer']) ?? one(h['referer']);
  if (!ref) return null;
  const m = REFERER_HOST.exec(ref);
  return m ? label(m[1], CLIENT_TEXT_MAX.app) : null;
}

/** Session ids: ids, not text (UUIDs, ULIDs, `sess_…`); anything else is not recorded. */
const SESSION = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
/** Key-shaped values are never a session: a gateway key (`sy-…`) or a provider key (`sk-…`) sent by mistake is not stored. */
const KEYLIKE = /^(?:sy|sk|pk|rk)[-_]/i;
const session = (v: string | undefined): string | null =>
  v !== undefined && SESSION.test(v) && !KEYLIKE.test(v) ? v : null;

/** Claude Code before 2.1: `user_<device>_account_<uuid>_session_<uuid>`. */
const LEGACY_USER_ID_SESSION = /_session_([A-Za-z0-9-]{1,100})$/;
/** Claude Code 2.1: a JSON object `{"device_id":…,"account_uuid":…,"session_id":…}` as a string. */
const JSON_USER_ID_SESSION = /"session_id"\s*:\s*"([A-Za-z0-9._:-]{1,100})"/;
const SESSION_KEY = '"session_id":"';

/** The session part of Anthropic `metadata.user_id` as Claude Code fills it (the device and account parts are not kept). */
export function sessionFromUserId(userId: unknown): string | null {
  if (typeof userId !== 'string' || userId.length > 1000) return null;
  if (userId.charCodeAt(0) === 123 /* { */) {
    // Claude Code writes it compactly: find `"session_id":"` and read to the next quote (cheaper than a regex over
    // the whole 150 characters, on every Claude Code request).
    const at = userId.indexOf(SESSION_KEY);
    if (at >= 0) {
      const start = at + SESSION_KEY.length;
      const end = userId.indexOf('"', start);
      return end < 0 ? null : session(userId.slice(start, end));
    }
    const m = JSON_USER_ID_SESSION.exec(userId);
    return m ? session(m[1]) : null;
  }
  const m = LEGACY_USER_ID_SESSION.exec(userId);
  return m ? session(m[1]) : null;
}

/** What a user-agent alone gives: the tool, its version and the text as stored. */
export interface UserAgentFacts extends ClientTool {
  userAgent: string | null;
}

const NO_UA: UserAgentFacts = { tool: null, version: null, userAgent: null };

/** `parseUserAgent` plus the stored text (the proxy caches this per distinct user-agent). */
export function userAgentFacts(ua: string | undefined): UserAgentFacts {
  if (!ua) return NO_UA;
  return { ...parseUserAgent(ua), userAgent: storedUserAgent(ua) };
}

/**
 * The caller's tool from its headers: `byUserAgent` is `userAgentFacts` (the proxy passes a cached one). The session id
 * comes from `x-claude-code-session-id`, `session_id` (Codex), `x-session-id`, then Anthropic `metadata.user_id`.
 */
export function clientFacts(
  h: HeaderBag,
  metadataUserId: unknown,
  byUserAgent: (ua: string | undefined) => UserAgentFacts = userAgentFacts,
): ClientFacts {
  const ua = one(h['user-agent']);
  const originator = label(one(h['originator']), CLIENT_TEXT_MAX.originator);
  const fromUa = byUserAgent(ua);
  let { tool, version } = fromUa;
  // Codex names itself in `originator` even when a proxy or wrapper rewrote the user-agent.
  if (originator !== null && /^codex/i.test(originator) && tool !== 'codex') {
    tool = 'codex';
    version = null;
  }
  return {
    tool,
    version,
    userAgent: fromUa.userAgent,
    app: appName(h),
    originator,
    sessionId:
      session(one(h['x-claude-code-session-id'])) ??
      session(one(h['session_id'])) ??
      session(one(h['x-session-id'])) ??
      sessionFromUserId(metadataUserId),
  };
}
