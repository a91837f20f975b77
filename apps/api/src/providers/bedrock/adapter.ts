/**
 * AWS Bedrock Converse API, SigV4-signed with @smithy/signature-v4.
 * Credentials: the key string `accessKeyId:secretAccessKey[:sessionToken]`, or
 * config.accessKeyId / secretAccessKey / sessionToken. Region: config.region.
 *
 * Streaming: ConverseStream (`/converse-stream`), whose AWS event-stream binary
 * frames are decoded as they arrive (./stream.ts) and written to
 * the client in its own format.
 */
import { defaultMaxTokensFor } from '../anthropic/request.js';
import { localCountTokens, makeCall, pivotChatRequest } from '../common.js';
import { AdapterError } from '../types.js';
import type {
  CallContext,
  ListModelsContext,
  ModelInfo,
  PreparedCall,
  ProviderAdapter,
  ProviderRuntime,
  UpstreamRequest,
  UpstreamWire,
} from '../types.js';
import { usageFromOpenai } from '../compose.js';
import { reasoningParamOf } from '../../translate/reasoning.js';
import { converseThinkingChange, openaiChatToConverseRequest } from './request.js';
import { converseToOpenaiChatResponse } from './response.js';
import { BedrockStreamDecoder } from './stream.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function bedrockCredentials(provider: ProviderRuntime, apiKey: string | null): AwsCredentials {
  if (apiKey) {
    const [accessKeyId, secretAccessKey, ...rest] = apiKey.split(':');
    if (accessKeyId && secretAccessKey)
      return { accessKeyId, secretAccessKey, ...(rest.length ? { sessionToken: rest.join(':') } : {}) };
  }
  const c = provider.config ?? {};
  if (c.accessKeyId && c.secretAccessKey)
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
    };
  throw new AdapterError(
    400,
    'provider_misconfigured',
    `Provider "${provider.slug}" has no AWS credentials (expected accessKeyId:secretAccessKey[:sessionToken]).`,
  );
}

export function bedrockRegion(provider: ProviderRuntime): string {
  return provider.config?.region ?? 'us-east-1';
}

function runtimeBase(provider: ProviderRuntime): string {
  return (
    provider.baseUrl?.trim() || `https://bedrock-runtime.${bedrockRegion(provider)}.amazonaws.com`
  ).replace(/\/+$/, '');
}

/** Sign a request with SigV4; returns the headers to send (incl. authorization, x-amz-date, host). */
export async function signAws(
  req: { url: string; method: 'GET' | 'POST'; headers: Record<string, string>; body: string | null },
  creds: AwsCredentials,
  region: string,
  service: string,
  now?: number,
): Promise<Record<string, string>> {
  const u = new URL(req.url);
  const query: Record<string, string> = {};
  u.searchParams.forEach((v, k) => (query[k] = v));
  // The signer is loaded on the first Bedrock call: a server without Bedrock never needs it.
  const [{ SignatureV4 }, { Sha256 }] = await Promise.all([
    import('@smithy/signature-v4'),
    import('@aws-crypto/sha256-js'),
  ]);
  const signer = new SignatureV4({ credentials: creds, region, service, sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: u.protocol,
      hostname: u.hostname,
      ...(u.port ? { port: Number(u.port) } : {}),
      path: u.pathname,
      query,
      headers: { ...req.headers, host: u.host },
      ...(req.body !== null ? { body: req.body } : {}),
    },
    now !== undefined ? { signingDate: new Date(now) } : {},
  );
  return signed.headers as Record<string, string>;
}

/** Bedrock Converse answers, always decoded to the pivot (no client speaks Converse). */
export const bedrockWire: UpstreamWire = {
  id: 'bedrock',
  usage: usageFromOpenai,
  response: (body, o) => converseToOpenaiChatResponse(body, o.model, o.created),
  decoder: (o) => new BedrockStreamDecoder(o),
};

export const bedrockAdapter: ProviderAdapter = {
  id: 'bedrock',
  wires: [bedrockWire],
  /** Converse has no n, no logprobs and no JSON response format (not emulated). */
  params: [],
  chatCapabilities: ['chat', 'streaming', 'tools'],

  supports(endpoint) {
    return endpoint !== 'embeddings';
  },

  async prepare(ctx: CallContext): Promise<PreparedCall> {
    if (ctx.endpoint === 'count_tokens') return localCountTokens(ctx);
    if (ctx.endpoint === 'embeddings')
      throw new AdapterError(
        400,
        'unsupported_endpoint',
        'Embeddings are not supported for Bedrock providers.',
      );
    const creds = bedrockCredentials(ctx.provider, ctx.apiKey);
    const pivot = pivotChatRequest(ctx);
    const converse = openaiChatToConverseRequest(
      pivot,
      ctx.baseModel,
      defaultMaxTokensFor(ctx.maxOutputTokens),
    );
    const body = JSON.stringify(converse);
    const url = `${runtimeBase(ctx.provider)}/model/${encodeURIComponent(ctx.upstreamModel)}/${ctx.stream ? 'converse-stream' : 'converse'}`;
    const accept = ctx.stream ? 'application/vnd.amazon.eventstream' : 'application/json';
    const base = { 'content-type': 'application/json', accept, ...(ctx.provider.config?.headers ?? {}) };
    const headers = await signAws(
      { url, method: 'POST', headers: base, body },
      creds,
      bedrockRegion(ctx.provider),
      'bedrock',
      ctx.now,
    );
    const call = makeCall(
      ctx,
      { kind: 'http', request: { url, method: 'POST', headers, body } },
      bedrockWire,
    );
    const changed = converseThinkingChange(pivot, converse, reasoningParamOf(ctx.endpoint));
    if (changed) call.changedParams = [changed];
    return call;
  },

  async listModelsRequest(ctx: ListModelsContext): Promise<UpstreamRequest | null> {
    const creds = bedrockCredentials(ctx.provider, ctx.apiKey);
    const region = bedrockRegion(ctx.provider);
    const control = ctx.provider.baseUrl?.trim()
      ? runtimeBase(ctx.provider)
      : `https://bedrock.${region}.amazonaws.com`;
    const url = `${control}/foundation-models`;
    const headers = await signAws(
      { url, method: 'GET', headers: { accept: 'application/json' }, body: null },
      creds,
      region,
      'bedrock',
    );
    return { url, method: 'GET', headers, body: null };
  },

  parseModels(body: Buffer | null): ModelInfo[] {
    if (!body) return [];
    const j = JSON.parse(body.toString('utf8')) as { modelSummaries?: Array<Record<string, unknown>> };
    return (j.modelSummaries ?? [])
      .filter((m) => !Array.isArray(m.outputModalities) || (m.outputModalities as string[]).includes('TEXT'))
      .map((m) => ({
        id: String(m.modelId),
        displayName: String(m.modelName ?? m.modelId),
        ownedBy: String(m.providerName ?? 'aws'),
      }));
  },
};
