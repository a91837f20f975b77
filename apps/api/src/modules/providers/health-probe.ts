import { request, type Dispatcher } from 'undici';
import type { HealthProbe, ModelParams } from '@switchyard/core';
import {
  AdapterError,
  forModel,
  getAdapter,
  type ProviderRuntime,
  type UpstreamError,
} from '../../providers/index.js';
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
 * The output cap of a chat check. One token is accepted everywhere (OpenAI's reasoning models too, as
 * `max_completion_tokens`) and costs least; a reasoning model may spend it reasoning and answer no text, cut at the
 * cap: the check asks whether the provider answers this model with this key, not for text, so that passes.
 */
export const PROBE_OUTPUT_CAP = 1;

/** The model a chat check calls: its upstream id and its config's default parameters (null: none or unknown). */
export interface ProbeModel {
  modelId: string;
  params: Readonly<ModelParams> | null;
}

/**
 * One health check of a provider with its own key: `models` lists its models (no tokens), `chat` sends a one-token
 * chat call to `model`, shaped as traffic to that model is (forModel: its defaults, the cap in the field it takes).
 * It passes when the provider answers with a success status and a body of its chat format, whatever the text (none,
 * from a reasoning model cut at the cap). Never throws; bounded by `timeoutMs`.
 */
export async function runProbe(
  provider: ProviderRuntime,
  apiKey: string | null,
  probe: HealthProbe,
  model: ProbeModel | null,
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
  const ping = { model: model.modelId, messages: [{ role: 'user', content: 'ping' }], stream: false };
  const shaped = forModel(
    'chat',
    ping,
    { ...model.params, max_tokens: PROBE_OUTPUT_CAP },
    provider.type,
    model.modelId,
  );
  const body = shaped.body ?? ping;
  try {
    const call = await getAdapter(provider.type).prepare({
      endpoint: 'chat',
      provider,
      upstreamModel: model.modelId,
      baseModel: shaped.baseModel,
      apiKey,
      rawBody: Buffer.from(JSON.stringify(body)),
      body,
      stream: false,
      maxOutputTokens: PROBE_OUTPUT_CAP,
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
    try {
      call.decode(bytes);
    } catch {
      // A success status with something else (a proxy's sign-in page…): the provider did not answer the call.
      return fail(status, 'server', `The provider answered ${status} with a body that is not a chat answer.`);
    }
    return { ok: true, latencyMs: elapsed(), status: null, kind: null, message: null };
  } catch (err) {
    // The adapter cannot express the call for this provider (a setting it lacks…): not a network failure.
    if (err instanceof AdapterError) return fail(err.status, 'bad_request', err.message);
    const e = err as { name?: string; code?: string; message?: string };
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'UND_ERR_HEADERS_TIMEOUT')
      return fail(0, 'timeout', `No answer within ${opts.timeoutMs} ms.`);
    return fail(0, 'network', `Could not reach the provider: ${e.code ?? e.message ?? 'network error'}.`);
  }
}
