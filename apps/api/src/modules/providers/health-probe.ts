import { request, type Dispatcher } from 'undici';
import type { HealthProbe } from '@switchyard/core';
import { getAdapter, type ProviderRuntime, type UpstreamError } from '../../providers/index.js';
import { noteMessage } from '../../router/health-notes.js';
import { connectionTestDetailed } from './provider-test.js';

export interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  /** Upstream status on an error answer; 0 for network failures and timeouts; null on success. */
  status: number | null;
  kind: string | null;
  /** Scrubbed, one line. */
  message: string | null;
}

const CODE_KIND: Record<string, string> = {
  invalid_key: 'auth',
  rate_limited: 'rate_limit',
  timeout: 'timeout',
  unreachable: 'network',
  bad_response: 'server',
  misconfigured: 'bad_request',
};

/**
 * One health check of a provider with its own key: `models` lists its models (no tokens), `chat` sends a
 * one-token chat call to `model`. Never throws; bounded by `timeoutMs`.
 */
export async function runProbe(
  provider: ProviderRuntime,
  apiKey: string | null,
  probe: HealthProbe,
  model: string | null,
  opts: { timeoutMs: number; dispatcher: Dispatcher },
): Promise<ProbeResult> {
  if (probe === 'models') {
    const r = await connectionTestDetailed(
      {
        id: provider.id,
        slug: provider.slug,
        type: provider.type,
        baseUrl: provider.baseUrl,
        apiKey,
        config: provider.config,
      },
      opts,
    );
    if (r.success) return { ok: true, latencyMs: r.latencyMs, status: null, kind: null, message: null };
    return {
      ok: false,
      latencyMs: r.latencyMs,
      status: r.upstream?.status ?? 0,
      kind: r.upstream?.kind ?? CODE_KIND[r.error.code] ?? 'unknown',
      message: noteMessage(r.error.message, apiKey),
    };
  }
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const fail = (status: number, kind: string, message: string): ProbeResult => ({
    ok: false,
    latencyMs: elapsed(),
    status,
    kind,
    message: noteMessage(message, apiKey),
  });
  if (!model)
    return fail(
      0,
      'misconfigured',
      'The chat health check needs a model: the provider has no enabled model.',
    );
  const body = { model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1, stream: false };
  try {
    const call = await getAdapter(provider.type).prepare({
      endpoint: 'chat',
      provider,
      upstreamModel: model,
      apiKey,
      rawBody: Buffer.from(JSON.stringify(body)),
      body,
      stream: false,
      maxOutputTokens: 1,
    });
    const signal = AbortSignal.timeout(opts.timeoutMs);
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let bytes: Buffer;
    if (call.transport.kind === 'http') {
      const req = call.transport.request;
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal,
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
        dispatcher: opts.dispatcher,
      });
      status = res.statusCode;
      headers = res.headers;
      bytes = Buffer.from(await res.body.arrayBuffer());
    } else {
      const res = await call.transport.run(signal);
      status = res.status;
      headers = res.headers;
      const chunks: Buffer[] = [];
      if (Buffer.isBuffer(res.body)) chunks.push(res.body);
      else for await (const c of res.body) chunks.push(c);
      bytes = Buffer.concat(chunks);
    }
    if (status >= 400) {
      const e: UpstreamError = call.error(status, headers, bytes);
      return fail(status, e.kind, `The provider answered ${status}: ${e.message}`);
    }
    call.decode(bytes);
    return { ok: true, latencyMs: elapsed(), status: null, kind: null, message: null };
  } catch (err) {
    const e = err as { name?: string; code?: string; message?: string };
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'UND_ERR_HEADERS_TIMEOUT')
      return fail(0, 'timeout', `No answer within ${opts.timeoutMs} ms.`);
    return fail(0, 'network', `Could not reach the provider: ${e.code ?? e.message ?? 'network error'}.`);
  }
}
