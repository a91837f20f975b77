import { useMutation } from '@tanstack/react-query';
import { getMyLog } from '../../logs/api/get-my-log';
import { getMyLogs } from '../../logs/api/get-my-logs';
import type { LogDetail } from '../../logs/api/types';

export interface ProbeInput {
  /** The gateway root as the browser reaches it. */
  baseUrl: string;
  key: string;
  model: string;
  /** Which endpoint the chosen tool uses: Anthropic Messages or OpenAI chat completions. */
  format: 'anthropic' | 'openai';
}

export interface ProbeResult {
  ok: boolean;
  status: number;
  requestId: string | null;
  provider: string | null;
  model: string | null;
  /** The answer's text, or the gateway's error message. */
  text: string;
  /** The request's log record with the resolver trace (null when it did not show up in time). */
  log: LogDetail | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The usage row is written in batches (about a second): look for it a few times. */
async function findLog(requestId: string): Promise<LogDetail | null> {
  for (let i = 0; i < 10; i++) {
    const page = await getMyLogs({}, null);
    const row = page.data.find((r) => r.requestId === requestId);
    if (row) return getMyLog(row.id);
    await sleep(500);
  }
  return null;
}

/**
 * POST /v1/chat/completions (or /v1/messages) through the gateway with the chosen key: a tiny real request, then the
 * request's record from /me/logs with its resolver trace.
 */
export async function probe(p: ProbeInput): Promise<ProbeResult> {
  const anthropic = p.format === 'anthropic';
  const requestId = `probe-${crypto.randomUUID()}`;
  const res = await fetch(`${p.baseUrl}/v1/${anthropic ? 'messages' : 'chat/completions'}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-request-id': requestId,
      ...(anthropic
        ? { 'x-api-key': p.key, 'anthropic-version': '2023-06-01' }
        : { authorization: `Bearer ${p.key}` }),
    },
    body: JSON.stringify({
      model: p.model,
      max_tokens: 16,
      messages: [{ role: 'user', content: 'Say OK.' }],
    }),
  });
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON
  }
  const b = body as {
    choices?: { message?: { content?: string } }[];
    content?: { text?: string }[];
    error?: { message?: string };
  } | null;
  const text = res.ok
    ? anthropic
      ? (b?.content?.map((c) => c.text ?? '').join('') ?? '')
      : (b?.choices?.[0]?.message?.content ?? '')
    : (b?.error?.message ?? `HTTP ${res.status}`);
  const id = res.headers.get('x-request-id') ?? requestId;
  return {
    ok: res.ok,
    status: res.status,
    requestId: id,
    provider: res.headers.get('x-switchyard-provider'),
    model: res.headers.get('x-switchyard-model'),
    text,
    // A request refused before routing (a bad key) is not recorded; anything routed is.
    log: res.status === 401 ? null : await findLog(id),
  };
}

export const useProbe = () => useMutation({ mutationFn: probe });
