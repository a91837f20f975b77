import { PROXY_PREFIXES as PREFIXES } from '../lib/proxy-paths.js';
import type { ProxyEndpoint } from '../router/types.js';
import type { ClientFormat } from './client-errors.js';

export interface EndpointMatch {
  endpoint: ProxyEndpoint;
  format: ClientFormat;
  method: 'GET' | 'POST';
  /** `GET …/models/{id}`: the one model asked for (decoded; it may contain `/`). */
  modelId?: string;
  /** Plain `/v1/…` (no `/openai` or `/anthropic` prefix): the client's headers say which format it speaks. */
  neutral?: boolean;
  /** `POST …/route`: an OpenAI chat or an Anthropic messages body, told apart once the body is read (unified.ts). */
  unified?: boolean;
}

const TABLE: Record<string, EndpointMatch> = {
  'POST /chat/completions': { endpoint: 'chat', format: 'openai', method: 'POST' },
  'POST /embeddings': { endpoint: 'embeddings', format: 'openai', method: 'POST' },
  'POST /responses': { endpoint: 'responses', format: 'openai', method: 'POST' },
  'GET /models': { endpoint: 'models', format: 'openai', method: 'GET' },
  'POST /messages': { endpoint: 'messages', format: 'anthropic', method: 'POST' },
  'POST /messages/count_tokens': { endpoint: 'count_tokens', format: 'anthropic', method: 'POST' },
  'POST /route': { endpoint: 'chat', format: 'openai', method: 'POST', unified: true },
};

const NEUTRAL_MODELS: EndpointMatch = { endpoint: 'models', format: 'openai', method: 'GET', neutral: true };

/** `/v1/chat/completions`, `/openai/v1/...`, `/anthropic/v1/...`; query strings ignored. */
export function matchEndpoint(method: string, url: string): EndpointMatch | 'method-not-allowed' | null {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  for (const p of PREFIXES) {
    if (!path.startsWith(p + '/')) continue;
    const rest = path.slice(p.length).replace(/\/+$/, '');
    const hit = TABLE[`${method} ${rest}`];
    if (hit) {
      // GET /anthropic/v1/models answers in Anthropic's list shape.
      if (hit.endpoint === 'models' && p === '/anthropic/v1') return { ...hit, format: 'anthropic' };
      if (hit.endpoint === 'models' && p === '/v1') return NEUTRAL_MODELS;
      if (hit.unified && p === '/anthropic/v1') return { ...hit, format: 'anthropic' };
      return hit;
    }
    if (rest.startsWith('/models/') && rest.length > 8) {
      if (method !== 'GET') return 'method-not-allowed';
      let modelId: string;
      try {
        modelId = decodeURIComponent(rest.slice(8));
      } catch {
        return null;
      }
      return {
        endpoint: 'models',
        method: 'GET',
        format: p === '/anthropic/v1' ? 'anthropic' : 'openai',
        modelId,
        ...(p === '/v1' ? { neutral: true } : {}),
      };
    }
    if (TABLE[`POST ${rest}`] || TABLE[`GET ${rest}`]) return 'method-not-allowed';
    return null;
  }
  return null;
}

export function formatForPath(url: string): ClientFormat {
  return url.startsWith('/anthropic/') || url.includes('/messages') ? 'anthropic' : 'openai';
}

/** Every proxy route (prefix × method path), for the OpenAPI document. */
export const PROXY_ROUTES: readonly {
  method: 'GET' | 'POST';
  path: string;
  endpoint: ProxyEndpoint;
  format: ClientFormat;
  unified?: boolean;
}[] = PREFIXES.flatMap((p) => [
  ...Object.entries(TABLE).map(([k, v]) => ({
    method: v.method,
    path: p + k.slice(k.indexOf(' ') + 1),
    endpoint: v.endpoint,
    format: p === '/anthropic/v1' && (v.endpoint === 'models' || v.unified) ? 'anthropic' : v.format,
    ...(v.unified ? { unified: true } : {}),
  })),
  {
    method: 'GET' as const,
    path: `${p}/models/{id}`,
    endpoint: 'models' as const,
    format: p === '/anthropic/v1' ? ('anthropic' as const) : ('openai' as const),
  },
]);
