import { RULE_HEADER_VALUE_MAX, type RuleInputs } from '@switchyard/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayError } from '../lib/errors.js';
import { hasDefaultFor, type LoadedConfig } from '../router/load-config.js';
import type { ProxyCaller, RequestFacts } from '../router/types.js';
import { MAX_BODY_DEPTH, rawDepthExceeds } from './body-shape.js';
import { presentedKey, resolveCaller } from './caller.js';
import { clientIp, describeIp } from './client-access.js';
import { internalError, sendClientError, type ClientFormat } from './client-errors.js';
import { clientOf } from './client-tool.js';
import type { ProxyDeps, RequestContext } from './context.js';
import { formatForPath, matchEndpoint, type EndpointMatch } from './endpoints.js';
import { execute } from './execute.js';
import { blockedError, protectionFor } from './protect.js';
import { recordRequest } from './record.js';
import { listModelsForCaller, retrieveModelForCaller } from './models-list.js';
import { BodyMemoryFullError, BodyTimeoutError, BodyTooLargeError, readBody } from './read-body.js';
import { FORMAT_HEADER, headerFormat, hintedFormat, unifiedMatch } from './unified.js';
import { RequestShapeError, requestFacts } from './request-facts.js';
import { newRequestId } from './request-id.js';
import { GENAI_OPERATION } from '../telemetry/tracing.js';
import { answerFeedback, isFeedbackPath, parseFeedback } from './feedback.js';
import { ConversationTokens, conversationScope } from './conversations.js';

/** A request as it arrives, before its endpoint, caller and body are known. */
interface Arrival {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: string;
  readonly requestId: string;
  /** performance.now() when the request arrived. */
  readonly started: number;
}

/** Bodies above this size have their nesting depth checked on the raw bytes before they are parsed. */
const DEPTH_SCAN_ABOVE_BYTES = 64 * 1024;

/**
 * The data plane: a lean node:http handler (no Express on this path). Auth and routing come from memory; the
 * upstream call goes through one undici Agent (a pool per origin); usage is queued, never awaited.
 *
 * A request goes: endpoint (CORS, path) -> caller (IP allow-lists, key) -> body (read, parse, facts) -> execute
 * (plan, admit, attempt, decide; execute.ts) -> attempt (whole answer or stream; attempt.ts, relay.ts) -> record.
 */
export function createProxyHandler(deps: ProxyDeps) {
  deps.conversations ??= new ConversationTokens();
  return async function handleProxy(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || newRequestId();
    res.setHeader('x-request-id', requestId);
    const url = req.url ?? '/';
    try {
      await serve(deps, { req, res, url, requestId, started });
    } catch (err) {
      // A bug of ours (a translator, the mock provider, the handler itself): the detail goes to the log, the
      // client gets a generic answer in its format with the request id to quote.
      deps.logger.error(
        { err, requestId, path: url.split('?')[0] },
        'proxy request failed inside the gateway',
      );
      if (!res.headersSent) req.resume();
      sendClientError(res, formatForPath(url), internalError(requestId));
    }
  };
}

/** Each step answers the client itself when the request ends there (and returns null). */
async function serve(d: ProxyDeps, a: Arrival): Promise<void> {
  if (!corsAllows(d, a)) return;
  const routed = endpointOf(a);
  if (routed === null) return;
  if (routed === FEEDBACK) return serveFeedback(d, a);
  // POST /v1/route: until the body says which format it is, errors follow the header and the client's hints.
  const match = routed.unified ? { ...routed, format: hintedFormat(a.req, routed) } : routed;
  const config = d.config();
  const caller = callerOf(d, a, match.format, config);
  if (caller === null) return;
  if (match.endpoint === 'models') return answerModels(d, a, match, caller, config);
  const raw = await readRequestBody(d, a, match.format);
  if (raw === null) return;
  // The deadline counts from here: how long the client took to send its body is its own time (bounded by
  // BODY_READ_TIMEOUT_MS, answered 408), never the providers'.
  const deadlineAt = performance.now() + d.deadlineMs;
  try {
    // A body may name no model when a default would answer it (looked up only for a body without one).
    const hasDefault = () => hasDefaultFor(config, caller);
    const parsed = parseRequest(a, match, raw, hasDefault, config.ruleInputs, d.conversations, caller);
    if (parsed === null) return;
    // A continuation of a response this instance does not hold: another instance relayed it, or this one restarted.
    if (parsed.facts.priorTokens === null && d.sharedConversations) await priorFromShared(d, parsed, caller);
    const x = requestContext(d, a, parsed.match, caller, raw, parsed, config, deadlineAt);
    if (x.dlp?.ctx.blocked) return answerBlocked(d, x);
    await execute(d, x);
  } finally {
    d.bodyMemory?.give(raw.length);
  }
}

/** `POST /v1/feedback`: the caller (as for a model call), the body, then the score stored for its own request. */
async function serveFeedback(d: ProxyDeps, a: Arrival): Promise<void> {
  const format = formatForPath(a.url);
  const sink = d.feedback;
  if (!sink) {
    refuse(a, format, {
      kind: 'client',
      status: 404,
      code: 'unknown_endpoint',
      message: 'No proxy endpoint POST /v1/feedback.',
    });
    return;
  }
  const caller = callerOf(d, a, format, d.config());
  if (caller === null) return;
  const waitMs = d.feedbackLimit ? await d.feedbackLimit.take(caller) : null;
  if (waitMs !== null) {
    refuse(a, format, {
      kind: 'client',
      status: 429,
      code: 'rate_limited',
      message: `Too many feedback calls: at most ${d.feedbackLimit!.perMinute} a minute for a user's keys together (FEEDBACK_RATE_LIMIT_PER_MINUTE).`,
      retryAfterMs: waitMs,
    });
    return;
  }
  const raw = await readRequestBody(d, a, format);
  if (raw === null) return;
  try {
    const body = parseFeedback(a.res, format, raw);
    if (body !== null) await answerFeedback(a.res, format, sink, caller, body);
  } finally {
    d.bodyMemory?.give(raw.length);
  }
}

/** Refuses a client error, discarding the request body (the connection stays usable). */
function refuse(a: Arrival, format: ClientFormat, error: GatewayError): null {
  a.req.resume();
  sendClientError(a.res, format, error);
  return null;
}

/** CORS (CORS_ORIGINS): answers a preflight, refuses an origin not listed; false when the request ends here. */
function corsAllows(d: ProxyDeps, a: Arrival): boolean {
  const cors = d.cors ?? null;
  if (cors === null) return true;
  const preflight = cors.apply(a.req, a.res);
  if (preflight === 'continue') return true;
  if (preflight === 'preflight-ok') {
    a.req.resume();
    a.res.writeHead(204, { 'content-length': 0 }).end();
  } else {
    const origin = String(a.req.headers.origin ?? '(none)').slice(0, 200);
    refuse(a, formatForPath(a.url), {
      kind: 'client',
      status: 403,
      code: 'cors_origin_not_allowed',
      message: `The origin ${origin} may not call this gateway from a browser (it is not in CORS_ORIGINS).`,
    });
  }
  return false;
}

/** `POST /v1/feedback`: not a model call (see feedback.ts). */
const FEEDBACK = 'feedback';

/** Which proxy endpoint the method and path name (404 / 405 otherwise). */
function endpointOf(a: Arrival): EndpointMatch | typeof FEEDBACK | null {
  const { req, url } = a;
  const match = matchEndpoint(req.method ?? 'GET', url);
  if (match !== null && match !== 'method-not-allowed') return match;
  // Looked at only once no model endpoint matched: nothing on the hot path.
  const feedback = match === null && isFeedbackPath(url);
  if (feedback && req.method === 'POST') return FEEDBACK;
  const path = url.split('?')[0];
  return refuse(
    a,
    formatForPath(url),
    match === null && !feedback
      ? {
          kind: 'client',
          status: 404,
          code: 'unknown_endpoint',
          message: `No proxy endpoint ${req.method} ${path}.`,
        }
      : {
          kind: 'client',
          status: 405,
          code: 'method_not_allowed',
          message: `${req.method} is not allowed on ${path}.`,
        },
  );
}

/** Who is calling: the gateway's IP allow-list before the key is looked at, then the key, then the key's own list. */
function callerOf(d: ProxyDeps, a: Arrival, format: ClientFormat, config: LoadedConfig): ProxyCaller | null {
  const trustProxy = d.trustProxy ?? false;
  const ipAllow = d.ipAllow ?? null;
  let ip: string | null = null;
  if (ipAllow !== null) {
    ip = clientIp(a.req, trustProxy);
    if (!ipAllow.allows(ip)) return refuse(a, format, ipDenied(ip, false));
  }
  const auth = resolveCaller(presentedKey(a.req), config, d.masterKey, d.now());
  if (!auth.ok) return refuse(a, format, auth);
  const caller = auth.caller;
  const keyAllow = caller.key !== null ? caller.key.ipAllow : null;
  if (keyAllow !== null) {
    ip ??= clientIp(a.req, trustProxy);
    if (!keyAllow.allows(ip)) return refuse(a, format, ipDenied(ip, true));
  }
  return caller;
}

function ipDenied(ip: string, byKey: boolean): GatewayError {
  return {
    kind: 'client',
    status: 403,
    code: 'ip_not_allowed',
    message: byKey
      ? `This gateway key may not be used from ${describeIp(ip)}: the address is not on the key's IP allow-list.`
      : `Requests from ${describeIp(ip)} are not allowed: the address is not on the gateway's IP allow-list.`,
  };
}

/** GET /v1/models and /v1/models/{id}: the models this caller may use, from memory (no upstream call). */
function answerModels(
  d: ProxyDeps,
  a: Arrival,
  match: EndpointMatch,
  caller: ProxyCaller,
  config: LoadedConfig,
): void {
  a.req.resume();
  // Plain /v1/models: an Anthropic client (Claude Code's model discovery) says so with anthropic-version.
  const format: ClientFormat =
    match.neutral && a.req.headers['anthropic-version'] !== undefined ? 'anthropic' : match.format;
  const found =
    match.modelId === undefined
      ? listModelsForCaller(config, caller, format, d.now())
      : retrieveModelForCaller(config, caller, format, d.now(), match.modelId);
  if (found === null) {
    sendClientError(a.res, format, {
      kind: 'client',
      status: 404,
      code: 'model_not_found',
      message: `No model "${(match.modelId ?? '').slice(0, 200)}" is available to this key.`,
      param: 'model',
    });
    return;
  }
  const body = JSON.stringify(found);
  a.res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  a.res.end(body);
}

/** The request body, within BODY_LIMIT and the memory bound; null when refused (the connection is closed). */
async function readRequestBody(d: ProxyDeps, a: Arrival, format: ClientFormat): Promise<Buffer | null> {
  try {
    return await readBody(a.req, d.bodyLimit, d.bodyMemory, d.bodyReadTimeoutMs);
  } catch (err) {
    const e: GatewayError =
      err instanceof BodyTooLargeError
        ? {
            kind: 'client',
            status: 413,
            code: 'request_too_large',
            message: `The request body is larger than the ${formatBytes(d.bodyLimit)} limit (BODY_LIMIT).`,
          }
        : err instanceof BodyTimeoutError
          ? {
              kind: 'client',
              status: 408,
              code: 'request_timeout',
              message: `The request body did not arrive within ${formatMs(err.timeoutMs)} (BODY_READ_TIMEOUT_MS).`,
            }
          : err instanceof BodyMemoryFullError
            ? {
                kind: 'gateway',
                status: 503,
                code: 'overloaded',
                message: 'The gateway is holding as many request bodies as its memory allows; retry shortly.',
                retryAfterMs: 1000,
              }
            : {
                kind: 'client',
                status: 400,
                code: 'bad_request',
                message: 'The request body could not be read.',
              };
    sendClientError(a.res, format, e, { connection: 'close' });
    return null;
  }
}

/** The body as JSON (depth-checked first when large) and the facts routing needs; null when refused (400). */
function parseRequest(
  a: Arrival,
  match: EndpointMatch,
  raw: Buffer,
  defaultModel: () => boolean,
  ruleInputs: RuleInputs,
  conversations: ConversationTokens | undefined,
  caller: ProxyCaller,
): { body: Record<string, unknown>; facts: RequestFacts; match: EndpointMatch } | null {
  let format = match.format;
  // A deeply nested document costs JSON.parse time quadratic in its depth: large bodies are scanned first.
  const deepAt = raw.length > DEPTH_SCAN_ABOVE_BYTES ? rawDepthExceeds(raw, MAX_BODY_DEPTH) : null;
  if (deepAt !== null) {
    const message = deepAt
      ? `"${deepAt}" is nested deeper than ${MAX_BODY_DEPTH} levels.`
      : `The request body is nested deeper than ${MAX_BODY_DEPTH} levels.`;
    return invalid(a, format, 'invalid_request', message, deepAt || undefined);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return invalid(a, format, 'invalid_json', 'The request body is not valid JSON.');
  }
  if (match.unified) {
    if (headerFormat(a.req) === 'invalid')
      return invalid(a, format, 'invalid_request', `${FORMAT_HEADER} must be "openai" or "anthropic".`);
    match = unifiedMatch(a.req, match, body);
    format = match.format;
  }
  try {
    const facts = requestFacts(match.endpoint, body, raw.length, { defaultModel, raw });
    const agent = agentHeaders(a.req);
    if (agent) facts.agent = agent;
    // Only the headers and metadata keys some routing rule looks at (nothing when no rule does).
    if (ruleInputs.headers.length > 0) facts.headers = ruleHeaders(a.req, ruleInputs.headers);
    if (ruleInputs.metadata.length > 0) facts.metadata = ruleMetadata(body, ruleInputs.metadata);
    // A Responses turn continuing a stored conversation is billed all of it as input: its budgets reserve it.
    const prior =
      match.endpoint === 'responses' ? (body as Record<string, unknown>).previous_response_id : undefined;
    if (typeof prior === 'string' && prior !== '')
      facts.priorTokens = conversations?.get(conversationScope(caller), prior) ?? null;
    return { body: body as Record<string, unknown>, facts, match };
  } catch (err) {
    if (err instanceof RequestShapeError)
      return invalid(a, format, 'invalid_request', err.message, err.param);
    throw err;
  }
}

/**
 * The conversation a continuation names, from the store every instance shares (see conversations.ts), kept in this
 * instance's memory once found. Not found, or the store failing or slow: `priorTokens` stays null (the window).
 */
async function priorFromShared(
  d: ProxyDeps,
  parsed: { body: Record<string, unknown>; facts: RequestFacts },
  caller: ProxyCaller,
): Promise<void> {
  const prior = parsed.body.previous_response_id as string;
  const tokens = await d.sharedConversations!.lookup(caller, prior);
  if (tokens === null) return;
  parsed.facts.priorTokens = tokens;
  d.conversations?.remember(conversationScope(caller), prior, tokens);
}

/** The agent headers (x-switchyard-agent, x-switchyard-effort), cut to 100 characters; null when neither is sent. */
function agentHeaders(req: IncomingMessage): { id: string | null; effort: string | null } | null {
  const one = (v: string | string[] | undefined): string | null => {
    const s = (Array.isArray(v) ? v[0] : v)?.trim();
    return s ? s.slice(0, 100) : null;
  };
  const id = one(req.headers['x-switchyard-agent']);
  const effort = one(req.headers['x-switchyard-effort']);
  return id === null && effort === null ? null : { id, effort };
}

/** The request's values of the headers routing rules name (first value, cut to 1000 characters). */
function ruleHeaders(req: IncomingMessage, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = req.headers[n];
    const s = Array.isArray(v) ? v[0] : v;
    if (s !== undefined) out[n] = s.slice(0, RULE_HEADER_VALUE_MAX);
  }
  return out;
}

/** The body's `metadata` string values under the keys routing rules name (OpenAI metadata, Anthropic user_id). */
function ruleMetadata(body: unknown, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const md = (body as { metadata?: unknown }).metadata;
  if (typeof md !== 'object' || md === null || Array.isArray(md)) return out;
  for (const k of keys) {
    const v = Object.hasOwn(md, k) ? (md as Record<string, unknown>)[k] : undefined;
    if (typeof v === 'string') out[k] = v.slice(0, RULE_HEADER_VALUE_MAX);
  }
  return out;
}

/** A 400 about the request body (read in full already, so nothing is left to discard). */
function invalid(a: Arrival, format: ClientFormat, code: string, message: string, param?: string): null {
  sendClientError(a.res, format, {
    kind: 'client',
    status: 400,
    code,
    message,
    ...(param !== undefined ? { param } : {}),
  });
  return null;
}

/**
 * The request's context for the steps after parsing, created with every field (one object shape). Data
 * protection runs here: from this point on the body is the protected form (what goes upstream and into the log).
 */
function requestContext(
  d: ProxyDeps,
  a: Arrival,
  match: EndpointMatch,
  caller: ProxyCaller,
  raw: Buffer,
  parsed: { body: Record<string, unknown>; facts: RequestFacts },
  config: LoadedConfig,
  deadlineAt: number,
): RequestContext {
  const endpoint = match.endpoint as Exclude<typeof match.endpoint, 'models'>;
  const dlp = protectionFor(config.dlp, caller, endpoint, parsed.body, raw.length);
  const body = dlp?.body ?? parsed.body;
  const span = d.tracing
    ? d.tracing.startRequest(
        a.req.headers,
        GENAI_OPERATION[endpoint] ?? endpoint,
        parsed.facts.model,
        performance.timeOrigin + a.started,
      )
    : null;
  return {
    req: a.req,
    res: a.res,
    match,
    input: { endpoint: match.endpoint, facts: parsed.facts, caller },
    raw: dlp?.raw ?? raw,
    body,
    dlp,
    requestId: a.requestId,
    started: a.started,
    deadlineAt,
    caller,
    client: clientOf(a.req, body),
    connection: { gone: false, attempt: null },
    attempts: [],
    capture: null,
    plan: null,
    debugSkipped: null,
    cache: null,
    recorded: false,
    span,
    attemptSpans: span ? [] : null,
  };
}

/** A value the data-protection policy blocks: the policy error in the client's format, no upstream call. */
function answerBlocked(d: ProxyDeps, x: RequestContext): void {
  sendClientError(x.res, x.match.format, blockedError(x.dlp!.ctx));
  recordRequest(d, x, { status: 400, errorCode: 'data_protection_blocked' });
}

function formatMs(n: number): string {
  return n % 1000 === 0 ? `${n / 1000} s` : `${n} ms`;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 && n % (1024 * 1024) === 0
    ? `${n / 1024 / 1024} MiB`
    : `${Math.round(n / 1024)} KiB`;
}
