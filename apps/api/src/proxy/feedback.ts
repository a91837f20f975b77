import { feedbackBody, type FeedbackBody, type FeedbackResult } from '@switchyard/core';
import type { ServerResponse } from 'node:http';
import { PROXY_PREFIXES } from '../lib/proxy-paths.js';
import { minuteLimiter } from '../router/minute-limit.js';
import type { StateStore } from '../router/state-store.js';
import type { ProxyCaller } from '../router/types.js';
import { sendClientError, type ClientFormat } from './client-errors.js';

/** Records a caller's score for one of its own requests; null when it has no such request. */
export type FeedbackSink = (caller: ProxyCaller, body: FeedbackBody) => Promise<FeedbackResult | null>;

function callerId(caller: ProxyCaller): string {
  if (caller.userId !== null) return `user:${caller.userId}`;
  return caller.keyId !== null ? `key:${caller.keyId}` : 'master';
}

/** Feedback calls a caller may make a minute; `take` counts one: null when admitted, else the ms to wait. */
export interface FeedbackLimit {
  perMinute: number;
  take: (caller: ProxyCaller) => Promise<number | null>;
}

/**
 * At most `perMinute` feedback calls per caller (a user's keys together; an org key or the master key on its own)
 * and minute, counted in the state
 * store (shared by every instance with Redis): a caller sending scores without end (a made-up request id still
 * costs the database its lookups) is told to wait, others are not.
 */
export function feedbackLimit(
  store: Pick<StateStore, 'consume'>,
  perMinute: number,
  now: () => number,
): FeedbackLimit {
  // A user's keys together (minting keys buys no more); an org key or the master key on its own.
  const take = minuteLimiter(store, 'feedback', 'feedback', perMinute, now);
  return { perMinute, take: (caller) => take(callerId(caller)) };
}

/** Where the proxy serves feedback (one per proxy prefix). */
export const FEEDBACK_PATHS: readonly string[] = PROXY_PREFIXES.map((p) => `${p}/feedback`);
const PATHS = new Set(FEEDBACK_PATHS);

/** `POST /v1/feedback` (also under /openai and /anthropic): checked only once no proxy endpoint matched. */
export function isFeedbackPath(url: string): boolean {
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q)).replace(/\/+$/, '');
  return PATHS.has(path);
}

/**
 * The feedback body from the raw bytes: JSON, then the shared schema; a 400 naming the field otherwise. Null when
 * the answer was sent.
 */
export function parseFeedback(res: ServerResponse, format: ClientFormat, raw: Buffer): FeedbackBody | null {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    sendClientError(res, format, {
      kind: 'client',
      status: 400,
      code: 'invalid_json',
      message: 'The request body is not valid JSON.',
    });
    return null;
  }
  const r = feedbackBody.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const field = i.path.join('.');
    sendClientError(res, format, {
      kind: 'client',
      status: 400,
      code: 'invalid_request',
      message: `${field ? `${field}: ` : ''}${i.message} (send {"request_id": "<x-request-id of your request>", "score": 0..1, "comment"?: "..."}).`,
      ...(field ? { param: field } : {}),
    });
    return null;
  }
  return r.data;
}

/** The feedback's answer: the stored score, or a 404 when the caller made no such request. */
export async function answerFeedback(
  res: ServerResponse,
  format: ClientFormat,
  sink: FeedbackSink,
  caller: ProxyCaller,
  body: FeedbackBody,
): Promise<void> {
  const result = await sink(caller, body);
  if (result === null) {
    sendClientError(res, format, {
      kind: 'client',
      status: 404,
      code: 'request_not_found',
      message: `No request "${body.request_id}" was made with this key (or by its user).`,
      param: 'request_id',
    });
    return;
  }
  const text = JSON.stringify(result);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
