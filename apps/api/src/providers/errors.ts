import type { UpstreamError, UpstreamErrorKind } from './types.js';

type Headers = Record<string, string | string[] | undefined>;

function header(h: Headers, name: string): string | undefined {
  const v = h[name] ?? h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Retry-After (seconds or HTTP date), retry-after-ms, in ms; null when absent. */
export function parseRetryAfter(h: Headers, now: number = Date.now()): number | null {
  const ms = header(h, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms)))
    return Math.max(0, Math.round(Number(ms)));
  const ra = header(h, 'retry-after');
  if (ra !== undefined && ra.trim() !== '') {
    const secs = Number(ra);
    if (Number.isFinite(secs)) return Math.max(0, Math.round(secs * 1000));
    const at = Date.parse(ra);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  return null;
}

// Ordered: first match wins. Tested against real upstream messages (see errors.test.ts). They are matched against
// the message with its quoted text removed (see `unquoted`).
const PATTERNS: Array<[UpstreamErrorKind, RegExp]> = [
  // OpenAI's 429 "Request too large for gpt-4o in organization … on tokens per min (TPM): Limit 30000, Requested
  // 250000. The input or output tokens must be reduced in order to run successfully.": one request larger than the
  // account's per-minute limit. Its code says rate_limit_exceeded; it is the request's size, not a rate limit.
  ['request_too_large', /request too large for|must be reduced in order to run/i],
  [
    'context_window',
    /context[_ ]length|context[_ ]window|maximum context|prompt is too long|input is too long|too many (input )?tokens|exceeds? the (maximum|max)[\w ]*tokens|reduce the length|input token count|token limit|max_tokens[^.]*exceed|string_above_max_length/i,
  ],
  [
    'billing',
    /insufficient_quota|exceeded your current quota|billing|credit balance|insufficient (funds|credits|balance)|payment required|out of credits|quota exceeded for/i,
  ],
  [
    'policy',
    /content[_ ]?filter|content[_ ]policy|content_management|moderation|responsibleai|flagged|safety (system|settings|reasons)|violat(e|es|ing) (our|the) (usage )?polic|blocked by|guardrail/i,
  ],
  [
    'model_not_found',
    /model_not_found|deploymentnotfound|no such model|unknown model|invalid model|model[^.]{0,80}(not found|does not exist|not exist|is not supported|unsupported|not available|is not valid)|(not found|does not exist)[^.]{0,40}model|the requested model|deployment[^.]{0,60}(not found|does not exist)/i,
  ],
];

/** Bedrock x-amzn-ErrorType / Gemini status / Anthropic type -> kind, when the message says nothing specific. */
const CODE_KINDS: Record<string, UpstreamErrorKind> = {
  context_length_exceeded: 'context_window',
  // Anthropic's 413 `request_too_large`: the body is over the API's byte limit. The request's size, not its prompt's
  // length in tokens: a larger context window does not help, another target may take it.
  request_too_large: 'request_too_large',
  insufficient_quota: 'billing',
  billing_error: 'billing',
  content_filter: 'policy',
  content_policy_violation: 'policy',
  model_not_found: 'model_not_found',
  deploymentnotfound: 'model_not_found',
  invalid_api_key: 'auth',
  authentication_error: 'auth',
  permission_error: 'auth',
  permission_denied: 'auth',
  unauthenticated: 'auth',
  accessdeniedexception: 'auth',
  unrecognizedclientexception: 'auth',
  rate_limit_error: 'rate_limit',
  rate_limit_exceeded: 'rate_limit',
  throttlingexception: 'rate_limit',
  resource_exhausted: 'rate_limit',
  overloaded_error: 'overloaded',
  serviceunavailableexception: 'overloaded',
  unavailable: 'overloaded',
  modeltimeoutexception: 'timeout',
  deadline_exceeded: 'timeout',
  resourcenotfoundexception: 'model_not_found',
  validationexception: 'bad_request',
  invalid_request_error: 'bad_request',
  invalid_argument: 'bad_request',
  not_found_error: 'not_found',
  not_found: 'not_found',
  api_error: 'server',
  internal: 'server',
  internal_server_error: 'server',
  server_error: 'server',
};

function kindFromStatus(status: number): UpstreamErrorKind {
  if (status === 0) return 'network';
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'billing';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504 || status === 524) return 'timeout';
  // HTTP's own Payload Too Large (a proxy in front, or a provider without a code): the body's size, not its prompt's
  // length (a message that says the prompt is too long is a context-window error before this is looked at).
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server';
  if (status >= 400) return 'bad_request';
  return 'unknown';
}

/**
 * Statuses that give a verdict on the calling account (its key, its credit, its rate). Every other 4xx is about the
 * request itself.
 */
const ACCOUNT_STATUSES: ReadonlySet<number> = new Set([401, 402, 403, 429]);

/** The kinds a message (not the code) may still give a request error: neither cools anything shared. */
const REQUEST_MESSAGE_KINDS: ReadonlySet<UpstreamErrorKind> = new Set(['context_window', 'policy']);

/**
 * Text quoted in a message ('…', "…", `…`) removed, the quotes kept: providers quote back the caller's own values
 * ("Invalid value: 'billing'. Supported values are: …"), which must never decide whose fault an error is. A quote
 * inside a word (an apostrophe: "model's") neither opens nor closes a quotation.
 */
export function unquoted(text: string): string {
  return text.replace(/(^|[^\p{L}\p{N}_])(['"`])[^\n]*?\2(?![\p{L}\p{N}_])/gu, '$1$2$2');
}

function firstMatch(text: string, kinds?: ReadonlySet<UpstreamErrorKind>): UpstreamErrorKind | null {
  for (const [k, re] of PATTERNS) if ((!kinds || kinds.has(k)) && re.test(text)) return k;
  return null;
}

const RETRYABLE: ReadonlySet<UpstreamErrorKind> = new Set([
  'rate_limit',
  'overloaded',
  'timeout',
  'server',
  'network',
  'unknown',
]);

/** Pull message + code out of the upstream body (OpenAI, Anthropic, Gemini, Bedrock, Ollama, plain text). */
export function parseErrorBody(
  body: Buffer | string,
  headers: Headers = {},
): { message: string; code: string | null } {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  let message = '';
  let code: string | null = null;
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const e = (Array.isArray(j) ? j[0] : j) as Record<string, unknown> | undefined;
    const err = e?.error;
    if (err && typeof err === 'object') {
      const o = err as Record<string, unknown>;
      message = typeof o.message === 'string' ? o.message : JSON.stringify(o);
      // Gemini: {code: 400, status: 'INVALID_ARGUMENT'}; OpenAI: {type, code}; Anthropic: {type}
      const c =
        (typeof o.code === 'string' && o.code) ||
        (typeof o.status === 'string' && o.status) ||
        (typeof o.type === 'string' && o.type) ||
        null;
      code = c || null;
      const inner = o.innererror as Record<string, unknown> | undefined;
      if (inner && typeof inner.code === 'string' && /content/i.test(inner.code)) code = inner.code;
    } else if (typeof err === 'string') {
      message = err;
      if (typeof e?.type === 'string' && e.type !== 'error') code = e.type;
    } else if (e && typeof e.message === 'string') {
      message = e.message;
      if (typeof e.code === 'string') code = e.code;
      else if (typeof e.__type === 'string') code = e.__type.split('#').pop() ?? null;
    } else if (e && typeof e.detail === 'string') {
      message = e.detail;
    }
  } catch {
    message = text.slice(0, 500).trim();
  }
  const amzn = header(headers, 'x-amzn-errortype');
  if (!code && amzn) code = amzn.split(':')[0] ?? null;
  return { message: message || text.slice(0, 200), code };
}

const REDACTED = '[redacted]';

// Key-shaped strings of the common vendors, bearer tokens, and long token-like values after a key/token label.
// Ordered: bearer tokens first (their value may itself be key-shaped).
const SECRET_SHAPES: Array<[RegExp, string]> = [
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED], // OpenAI sk-/sk-proj-, Anthropic sk-ant-, DeepSeek, OpenRouter sk-or-
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED], // AWS access key ids
  [/\bAIza[0-9A-Za-z_-]{30,}/g, REDACTED], // Google API keys
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, REDACTED], // GitHub tokens
  [/\bhf_[A-Za-z0-9]{20,}/g, REDACTED], // Hugging Face tokens
  [/\bgsk_[A-Za-z0-9]{20,}/g, REDACTED], // Groq keys
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, REDACTED], // Slack tokens
  // `key=…`, `"token": "…"`, `api_key …`: a long hex/base64-ish value with at least one digit.
  [
    /\b((?:api[_-]?)?key|token|secret|password|credential|signature|access[_-]?token)(\\?["']?\s*[:=]\s*\\?["']?|\s+)(?=[A-Za-z0-9+/_.=-]*\d)[A-Za-z0-9+/_.=-]{16,}/gi,
    `$1$2${REDACTED}`,
  ],
];

/** The literal forms of a key to remove: the key, its URL-encoded form, and (AWS `id:secret:token`) each long part. */
function literalForms(secret: string | null | undefined): string[] {
  if (!secret || secret.length < 8) return [];
  const forms = new Set([secret, encodeURIComponent(secret)]);
  if (secret.includes(':'))
    for (const part of secret.split(':')) if (part.length >= 8) forms.add(part).add(encodeURIComponent(part));
  // Longest first, so a part never leaves the rest of a longer form behind.
  return [...forms].sort((a, b) => b.length - a.length);
}

/** A run of the characters keys are written with ('=' aside: `key=…` labels one). */
const KEY_RUN = /[A-Za-z0-9_+/-]{4,}/g;
/** Characters (or runs of dots) an upstream masks the middle of a key with: `sk-ab***yz`, `sk-ab…yz`, `sk-ab...yz`. */
const MASK = /(?:[*•·…]|\.{2,})+/;
const MASKED_RUN = /[A-Za-z0-9_+/=-]*(?:(?:[*•·…]|\.{2,})+[A-Za-z0-9_+/=-]*)+/g;

/** How many characters `a` and `b` share from their start (or, `fromEnd`, from their end). */
function common(a: string, b: string, fromEnd: boolean): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && (fromEnd ? a[a.length - 1 - i] === b[b.length - 1 - i] : a[i] === b[i])) i++;
  return i;
}

/**
 * Pieces of `secret` an upstream echoed instead of the whole key (OpenAI's "Incorrect API key provided:
 * sk-ab***yz", a prefix, the last characters): a masked form whose visible parts are pieces of the key, and any run
 * of key characters (4 or more) that is a piece of the key (but for a whole word of it, as `upstream` in
 * `sk-upstream-…`), starts as the key does or ends as it does (4 characters or more in common). Each becomes
 * `[redacted]` whole.
 */
function scrubKeyPieces(text: string, secret: string): string {
  const piece = (p: string) => p.length > 0 && secret.includes(p);
  const out = text.replace(MASKED_RUN, (m) => {
    const parts = m.split(MASK).filter((p) => p.length > 0);
    return parts.some((p) => p.length >= 2) && parts.every(piece) ? REDACTED : m;
  });
  // A word a key is written with (`sk-upstream-secret-…`): the word alone says nothing of the key.
  const words = new Set(secret.split(/[^A-Za-z0-9]+/).filter((w) => /^[A-Za-z]+$/.test(w)));
  return out.replace(KEY_RUN, (run) =>
    (secret.includes(run) && !words.has(run)) ||
    common(run, secret, false) >= 4 ||
    common(run, secret, true) >= 4
      ? REDACTED
      : run,
  );
}

/**
 * Remove secrets from text an upstream sent back (relayed to clients, logged, stored): the key used for the call
 * (plain and URL-encoded, and the pieces of it an upstream echoes: see {@link scrubKeyPieces}), bearer tokens, and
 * key-shaped strings. Only error paths call it.
 */
export function scrubSecrets(text: string, secret?: string | null): string {
  let out = text;
  const forms = literalForms(secret);
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
  for (const form of forms) out = scrubKeyPieces(out, form);
  for (const [re, replacement] of SECRET_SHAPES) out = out.replace(re, replacement);
  return out;
}

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** Where an AWS ARN names the account it belongs to (`arn:aws:bedrock:us-east-1:123456789012:…`). */
const ARN = /\barn:(aws[\w-]*):([\w-]+):([\w-]*):(\d{12}):([^\s"'`,;()[\]{}<>]*)/g;

type Replacement = string | ((match: string, ...groups: string[]) => string);

// The ids of the provider accounts behind the gateway (its operator's), as upstream messages name them. Ordered.
const ACCOUNT_SHAPES: Array<[RegExp, Replacement]> = [
  // OpenAI organization (org-…) and Groq's (org_…); OpenAI projects (proj_…) and users (user-…).
  [/\borg[-_][A-Za-z0-9]{10,}\b/g, REDACTED],
  [/\bproj_[A-Za-z0-9]{10,}\b/g, REDACTED],
  [/\buser-[A-Za-z0-9]{16,}\b/g, REDACTED],
  // Anthropic workspaces and API key ids.
  [/\b(?:wrkspc|apikey)_[A-Za-z0-9]{10,}\b/g, REDACTED],
  // A UUID an account word names ("your organization (…)", "subscription id: …", "tenant …"): Anthropic's organization,
  // Azure's subscription and tenant.
  [
    new RegExp(
      `\\b((?:organi[sz]ation|org|account|subscription|tenant|workspace|project|customer)s?(?:[_-]?ids?)?)\\b([^\\n.;]{0,32}?)\\b${UUID}\\b`,
      'gi',
    ),
    `$1$2${REDACTED}`,
  ],
  // AWS: an ARN's account (and, for IAM / STS, the user or role it names).
  [
    ARN,
    (_m, partition, service, region, _account, resource) =>
      `arn:${partition}:${service}:${region}:${REDACTED}:${service === 'iam' || service === 'sts' ? REDACTED : resource}`,
  ],
  // A 12-digit AWS account id an account word names ("account 123456789012", "Account ID: 123456789012").
  [/\b(accounts?(?:[\s_-]?id)?|owner(?:[\s_-]?id)?)\b([^\n.;\d]{0,16}?)\b\d{12}\b/gi, `$1$2${REDACTED}`],
  // Azure resource paths (/subscriptions/…/resourceGroups/…/providers/Microsoft.X/accounts/…) and resource host names.
  [/(\/(?:subscriptions|resourceGroups|accounts|workspaces)\/)[^/\s"'`?#,;)]+/gi, `$1${REDACTED}`],
  [
    /\b[A-Za-z0-9][A-Za-z0-9-]{0,62}\.((?:openai|cognitiveservices|services\.ai)\.azure\.com)\b/gi,
    `${REDACTED}.$1`,
  ],
  // Google Cloud projects (`consumer 'project_number:123…'`, `projects/my-project/locations/…`).
  [/\bproject_number:\d+/g, `project_number:${REDACTED}`],
  [/\bprojects\/[^/\s"'`?#,;)]+/g, `projects/${REDACTED}`],
];

/**
 * Remove the provider account identifiers an upstream message names (organization, project, workspace, AWS account,
 * Azure subscription and resource, Google project) from text a caller of the gateway receives: those accounts are
 * the operator's. The rest of the message stays as it is (clients match on "Rate limit reached for …"). Logs and the
 * operators' own views (provider health) keep them: see {@link scrubSecrets} for what no one may see.
 */
export function scrubAccountIds(text: string): string {
  let out = text;
  for (const [re, r] of ACCOUNT_SHAPES) out = typeof r === 'string' ? out.replace(re, r) : out.replace(re, r);
  return out;
}

/**
 * Map an upstream error response to the normalized error the routing classifier consumes. The message (and code)
 * are scrubbed of `secret` (the key used for the call) and anything key-shaped.
 */
export function normalizeUpstreamError(
  status: number,
  headers: Headers,
  body: Buffer | string,
  now?: number,
  secret?: string | null,
): UpstreamError {
  const parsed = parseErrorBody(body, headers);
  const message = scrubSecrets(parsed.message, secret);
  const code = parsed.code === null ? null : scrubSecrets(parsed.code, secret);
  const text = unquoted(message);
  const fromCode = code === null ? null : (CODE_KINDS[code.toLowerCase()] ?? null);
  // Generic codes ("invalid_request_error", "api_error") never hide what a specific status says (429, 401, 503...).
  const genericCode = fromCode === 'bad_request' || fromCode === 'not_found' || fromCode === 'server';
  // A request error (a 4xx that is not about the account) with a code of the provider's own (`invalid_value`,
  // `previous_response_not_found`, `model_not_found` …): the code says what it is. Billing or a missing model (the
  // verdicts that cool shared targets) may come from the code only, never from the message.
  const namedRequestError =
    code !== null && !genericCode && status >= 400 && status < 500 && !ACCOUNT_STATUSES.has(status);
  let kind: UpstreamErrorKind | null;
  if (namedRequestError) {
    kind =
      fromCode ??
      firstMatch(`${code} ${code.replace(/[_-]+/g, ' ')}`) ??
      firstMatch(text, REQUEST_MESSAGE_KINDS);
  } else {
    kind = firstMatch(`${code ?? ''} ${text}`);
    // A 429 that talks about quota but is really a rate limit ("Rate limit reached ... quota") stays rate_limit
    // unless the code says insufficient_quota.
    if (kind === 'billing' && status === 429 && code !== 'insufficient_quota' && /rate limit/i.test(message))
      kind = 'rate_limit';
    // A model-not-found pattern on a 5xx is a server error talking about a model.
    if (kind === 'model_not_found' && status >= 500) kind = null;
    if (!kind && fromCode) {
      const fromStatus = kindFromStatus(status);
      kind = !(genericCode && fromStatus !== 'bad_request' && fromStatus !== fromCode) ? fromCode : null;
    }
  }
  if (!kind || (kind === 'bad_request' && status >= 500)) kind = kindFromStatus(status);
  // A bare 404 about a model (Anthropic's "model: claude-x") is a missing model, unless the code said otherwise.
  if (kind === 'not_found' && !namedRequestError && /model|deployment/i.test(text)) kind = 'model_not_found';
  return {
    status,
    kind,
    code,
    message: (message || `The upstream returned HTTP ${status}.`).slice(0, 2000),
    retryAfterMs: parseRetryAfter(headers, now),
    retryable: RETRYABLE.has(kind),
  };
}

/** A network-level failure (connection refused/reset, timeout) as an UpstreamError. */
export function networkError(err: unknown, timeout = false): UpstreamError {
  const message = err instanceof Error ? err.message : String(err);
  // The request could not be built (undici refuses a header value, e.g. a stored key with a line break in it;
  // fetch says "invalid header value"): nothing reached the upstream, and the key — not the provider — is at fault.
  if (
    (err as { code?: string } | null)?.code === 'UND_ERR_INVALID_ARG' ||
    (err instanceof TypeError && /invalid header/i.test(message))
  ) {
    return {
      status: 0,
      kind: 'invalid_header',
      code: 'invalid_header',
      message: 'The request could not be sent: the provider key is not a valid HTTP header value.',
      retryAfterMs: null,
      retryable: false,
    };
  }
  return {
    status: 0,
    kind: timeout ? 'timeout' : 'network',
    code: (err as { code?: string } | null)?.code ?? null,
    message,
    retryAfterMs: null,
    retryable: true,
  };
}

const ERROR_KEY = Buffer.from('"error"');
const isJsonSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** Whether the body has an `"error"` key whose value is an object or a string (a prefilter: most answers have none). */
function mayCarryError(body: Buffer): boolean {
  for (let i = body.indexOf(ERROR_KEY); i !== -1; i = body.indexOf(ERROR_KEY, i + 1)) {
    let j = i + ERROR_KEY.length;
    while (isJsonSpace(body[j])) j++;
    if (body[j] !== 0x3a) continue;
    j++;
    while (isJsonSpace(body[j])) j++;
    if (body[j] === 0x7b || body[j] === 0x22) return true;
  }
  return false;
}

/**
 * A failure an upstream answered with a 2xx status: `{"error": …}` and no answer beside it (some OpenAI-compatible
 * services and routers do this when overloaded or when their own upstream failed), Anthropic's `{"type": "error"}`,
 * or a Responses answer that failed (its `error` set). Null for an answer, however it reads. The status is the one
 * the error names (`code` or `status`, 400–599), else 502: a failure the provider reported as its own.
 */
export function errorInAnswer(body: Buffer): { status: number } | null {
  if (!mayCarryError(body)) return null;
  let j: unknown;
  try {
    j = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (j === null || typeof j !== 'object' || Array.isArray(j)) return null;
  const o = j as Record<string, unknown>;
  const e = o.error;
  if (e === null || (typeof e !== 'object' && typeof e !== 'string') || Array.isArray(e)) return null;
  const listed = (v: unknown) => Array.isArray(v) && v.length > 0;
  // An answer that also carries an error field (a choice, a message's content, a candidate, embeddings) is an answer.
  if (
    listed(o.choices) ||
    listed(o.candidates) ||
    listed(o.data) ||
    (o.type === 'message' && listed(o.content))
  )
    return null;
  const named = (v: unknown) =>
    typeof v === 'number' && Number.isInteger(v) && v >= 400 && v <= 599 ? v : null;
  const fields = typeof e === 'object' ? (e as Record<string, unknown>) : {};
  return { status: named(fields.code) ?? named(fields.status) ?? named(o.status) ?? 502 };
}
