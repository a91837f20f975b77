import { request, type Dispatcher } from 'undici';
import { listModels } from '../../providers/index.js';
import type { ModelInfo, ProviderConfig, UpstreamError } from '../../providers/types.js';

export type ConnectionTest =
  | {
      success: true;
      latencyMs: number;
      modelsAvailable: string[];
      catalogue?: { modelId: string; priceInputPer1M: number | null; priceOutputPer1M: number | null }[];
    }
  | {
      success: false;
      latencyMs: number;
      error: {
        code: 'invalid_key' | 'unreachable' | 'timeout' | 'bad_response' | 'rate_limited' | 'misconfigured';
        message: string;
      };
    };

type Failure = Extract<ConnectionTest, { success: false }>;

/**
 * A real, minimal call with a key: the provider's model listing (a GET that costs nothing), bounded by a timeout.
 * Used before saving a key, to test a saved provider, and for BYOK keys. Never echoes the key.
 */
export async function testProviderConnection(
  input: Parameters<typeof discoverProviderModels>[0],
  opts: Parameters<typeof discoverProviderModels>[1] = {},
): Promise<ConnectionTest> {
  const { upstream: _upstream, ...result } = await connectionTestDetailed(input, opts);
  return result as ConnectionTest;
}

/** The connection test, plus the upstream's status and classified kind when it answered an error. */
export async function connectionTestDetailed(
  input: Parameters<typeof discoverProviderModels>[0],
  opts: Parameters<typeof discoverProviderModels>[1] = {},
): Promise<ConnectionTest & { upstream?: Pick<UpstreamError, 'status' | 'kind'> }> {
  const r = await discoverProviderModels(input, opts);
  return r.success
    ? { success: true, latencyMs: r.latencyMs, modelsAvailable: r.models.map((m) => m.id) }
    : r;
}

/** The same call as {@link testProviderConnection}, answering what the listing says about each model. */
export async function discoverProviderModels(
  input: {
    id?: string;
    slug?: string;
    type: string;
    baseUrl?: string | null;
    apiKey?: string | null;
    config?: ProviderConfig;
  },
  opts: { timeoutMs?: number; dispatcher?: Dispatcher } = {},
): Promise<
  | { success: true; latencyMs: number; models: ModelInfo[] }
  | (Failure & { upstream?: Pick<UpstreamError, 'status' | 'kind'> })
> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeoutMs = opts.timeoutMs ?? 8000;
  try {
    const models = await listModels(
      {
        provider: {
          id: input.id ?? 'test',
          slug: input.slug ?? 'test',
          type: input.type,
          baseUrl: input.baseUrl ?? null,
          config: input.config ?? {},
        },
        apiKey: input.apiKey ?? null,
      },
      async (req) => {
        const res = await request(req.url, {
          method: req.method,
          headers: req.headers,
          signal: AbortSignal.timeout(timeoutMs),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
        });
        const body = Buffer.from(await res.body.arrayBuffer());
        return { status: res.statusCode, headers: res.headers, body };
      },
    );
    return { success: true, latencyMs: elapsed(), models };
  } catch (err) {
    const upstream = (err as { upstream?: UpstreamError }).upstream;
    const e = err as { name?: string; code?: string; message?: string; status?: number };
    if (upstream) {
      const code =
        upstream.kind === 'auth'
          ? 'invalid_key'
          : upstream.kind === 'rate_limit'
            ? 'rate_limited'
            : 'bad_response';
      const message =
        code === 'invalid_key'
          ? 'The provider rejected the key.'
          : `The provider answered ${upstream.status}: ${upstream.message}`;
      return {
        success: false,
        latencyMs: elapsed(),
        error: { code, message },
        upstream: { status: upstream.status, kind: upstream.kind },
      };
    }
    if (
      e.name === 'TimeoutError' ||
      e.name === 'AbortError' ||
      e.code === 'UND_ERR_HEADERS_TIMEOUT' ||
      e.code === 'UND_ERR_CONNECT_TIMEOUT'
    ) {
      return {
        success: false,
        latencyMs: elapsed(),
        error: { code: 'timeout', message: `No answer within ${timeoutMs} ms.` },
      };
    }
    if (e.status === 400 && e.code)
      return {
        success: false,
        latencyMs: elapsed(),
        error: { code: 'misconfigured', message: e.message ?? 'The provider is misconfigured.' },
      };
    return {
      success: false,
      latencyMs: elapsed(),
      error: {
        code: 'unreachable',
        message: `Could not reach the provider: ${e.code ?? e.message ?? 'network error'}.`,
      },
    };
  }
}
