// The model catalogue, read by the seed and by model imports: every supported provider with its default
// base URL and `_env` auth references, and a short curated list of current models each.
// Prices (per 1M tokens) and context windows come from @pydantic/genai-prices, whose data
// ships inside the package (no network at run time); capabilities are curated here.
import type { LongContextPrices } from '@switchyard/core';
import { calcPrice, findProvider, type ModelPrice } from '@pydantic/genai-prices';

export type QualityTier = 'eco' | 'balanced' | 'precision';

export interface CatalogueModelSpec {
  /** Upstream model id sent to the provider. */
  modelId: string;
  displayName: string;
  /** Model id to look up in genai-prices when it differs from modelId. */
  priceKey?: string;
  capabilities: string[];
  /** Used when the price package has no context window for the model. */
  contextWindow?: number;
  maxOutputTokens?: number;
  /** Fixed prices (only for models the package does not price, e.g. local Ollama = 0). */
  fixedPrices?: { input: number; output: number; cached?: number };
}

export interface CatalogueProviderSpec {
  type: string;
  slug: string;
  name: string;
  baseUrl: string | null;
  /** `_env` references and provider settings (stored in Provider.auth). */
  auth: Record<string, unknown>;
  /** The provider is seeded active only when all of these are set in the environment. */
  requiredEnv: string[];
  /** genai-prices provider id used for the price look-up. */
  pricesFrom?: string;
  priority: number;
  config?: Record<string, unknown>;
  models: CatalogueModelSpec[];
}

export interface ResolvedCatalogueModel {
  modelId: string;
  displayName: string;
  description: string | null;
  priceInputPer1M: number;
  priceOutputPer1M: number;
  priceCachedInputPer1M: number | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  qualityTier: QualityTier;
  qualityScore: number;
  capabilities: string[];
}

const CHAT = ['chat', 'streaming', 'tools', 'json'];
const CHAT_VISION = [...CHAT, 'vision'];
const REASONING = [...CHAT_VISION, 'reasoning'];
const EMBED = ['embeddings'];

export const PROVIDER_CATALOGUE: CatalogueProviderSpec[] = [
  {
    type: 'openai',
    slug: 'openai',
    name: 'OpenAI',
    baseUrl: 'https://api.openai.com/v1',
    auth: { apiKey: { _env: 'OPENAI_API_KEY' } },
    requiredEnv: ['OPENAI_API_KEY'],
    pricesFrom: 'openai',
    priority: 10,
    models: [
      {
        modelId: 'gpt-4.1-nano',
        displayName: 'GPT-4.1 nano',
        capabilities: CHAT_VISION,
        maxOutputTokens: 32768,
      },
      {
        modelId: 'gpt-4o-mini',
        displayName: 'GPT-4o mini',
        capabilities: CHAT_VISION,
        maxOutputTokens: 16384,
      },
      {
        modelId: 'gpt-4.1-mini',
        displayName: 'GPT-4.1 mini',
        capabilities: CHAT_VISION,
        maxOutputTokens: 32768,
      },
      { modelId: 'gpt-4o', displayName: 'GPT-4o', capabilities: CHAT_VISION, maxOutputTokens: 16384 },
      { modelId: 'gpt-4.1', displayName: 'GPT-4.1', capabilities: CHAT_VISION, maxOutputTokens: 32768 },
      { modelId: 'gpt-5-mini', displayName: 'GPT-5 mini', capabilities: REASONING, maxOutputTokens: 128000 },
      { modelId: 'gpt-5', displayName: 'GPT-5', capabilities: REASONING, maxOutputTokens: 128000 },
      { modelId: 'o4-mini', displayName: 'o4-mini', capabilities: REASONING, maxOutputTokens: 100000 },
      { modelId: 'text-embedding-3-small', displayName: 'text-embedding-3-small', capabilities: EMBED },
      { modelId: 'text-embedding-3-large', displayName: 'text-embedding-3-large', capabilities: EMBED },
    ],
  },
  {
    type: 'anthropic',
    slug: 'anthropic',
    name: 'Anthropic',
    baseUrl: 'https://api.anthropic.com',
    auth: { apiKey: { _env: 'ANTHROPIC_API_KEY' } },
    requiredEnv: ['ANTHROPIC_API_KEY'],
    pricesFrom: 'anthropic',
    priority: 15,
    models: [
      {
        modelId: 'claude-3-5-haiku-latest',
        displayName: 'Claude 3.5 Haiku',
        capabilities: CHAT_VISION,
        maxOutputTokens: 8192,
      },
      {
        modelId: 'claude-haiku-4-5',
        displayName: 'Claude Haiku 4.5',
        capabilities: REASONING,
        maxOutputTokens: 64000,
      },
      {
        modelId: 'claude-sonnet-4-5',
        displayName: 'Claude Sonnet 4.5',
        capabilities: REASONING,
        maxOutputTokens: 64000,
      },
      {
        modelId: 'claude-opus-4-1',
        displayName: 'Claude Opus 4.1',
        capabilities: REASONING,
        maxOutputTokens: 32000,
      },
    ],
  },
  {
    type: 'google',
    slug: 'google',
    name: 'Google Gemini',
    baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
    auth: { apiKey: { _env: 'GEMINI_API_KEY' } },
    requiredEnv: ['GEMINI_API_KEY'],
    pricesFrom: 'google',
    priority: 20,
    models: [
      {
        modelId: 'gemini-2.5-flash-lite',
        displayName: 'Gemini 2.5 Flash-Lite',
        capabilities: CHAT_VISION,
        maxOutputTokens: 65536,
      },
      {
        modelId: 'gemini-2.0-flash',
        displayName: 'Gemini 2.0 Flash',
        capabilities: CHAT_VISION,
        maxOutputTokens: 8192,
      },
      {
        modelId: 'gemini-2.5-flash',
        displayName: 'Gemini 2.5 Flash',
        capabilities: REASONING,
        maxOutputTokens: 65536,
      },
      {
        modelId: 'gemini-2.5-pro',
        displayName: 'Gemini 2.5 Pro',
        capabilities: REASONING,
        contextWindow: 1048576,
        maxOutputTokens: 65536,
      },
      {
        modelId: 'gemini-embedding-001',
        displayName: 'Gemini Embedding',
        capabilities: EMBED,
        contextWindow: 2048,
      },
    ],
  },
  {
    type: 'azure',
    slug: 'azure',
    name: 'Azure OpenAI',
    // The resource endpoint comes from AZURE_OPENAI_ENDPOINT (https://<resource>.openai.azure.com).
    baseUrl: null,
    auth: {
      apiKey: { _env: 'AZURE_OPENAI_API_KEY' },
      endpoint: { _env: 'AZURE_OPENAI_ENDPOINT' },
      apiVersion: '2024-10-21',
      // model id -> deployment name
      deployments: {
        'gpt-4o-mini': 'gpt-4o-mini',
        'gpt-4o': 'gpt-4o',
        'gpt-4.1-mini': 'gpt-4.1-mini',
        'gpt-4.1': 'gpt-4.1',
      },
    },
    requiredEnv: ['AZURE_OPENAI_API_KEY', 'AZURE_OPENAI_ENDPOINT'],
    pricesFrom: 'azure',
    priority: 25,
    models: [
      {
        modelId: 'gpt-4o-mini',
        displayName: 'GPT-4o mini (Azure)',
        capabilities: CHAT_VISION,
        maxOutputTokens: 16384,
      },
      {
        modelId: 'gpt-4.1-mini',
        displayName: 'GPT-4.1 mini (Azure)',
        capabilities: CHAT_VISION,
        maxOutputTokens: 32768,
      },
      { modelId: 'gpt-4o', displayName: 'GPT-4o (Azure)', capabilities: CHAT_VISION, maxOutputTokens: 16384 },
      {
        modelId: 'gpt-4.1',
        displayName: 'GPT-4.1 (Azure)',
        capabilities: CHAT_VISION,
        maxOutputTokens: 32768,
      },
    ],
  },
  {
    type: 'bedrock',
    slug: 'bedrock',
    name: 'AWS Bedrock',
    // Derived from the region: https://bedrock-runtime.<region>.amazonaws.com
    baseUrl: null,
    auth: {
      accessKeyId: { _env: 'AWS_ACCESS_KEY_ID' },
      secretAccessKey: { _env: 'AWS_SECRET_ACCESS_KEY' },
      sessionToken: { _env: 'AWS_SESSION_TOKEN' },
      region: 'us-east-1',
    },
    requiredEnv: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
    pricesFrom: 'aws',
    priority: 30,
    models: [
      {
        modelId: 'amazon.nova-micro-v1:0',
        displayName: 'Amazon Nova Micro',
        capabilities: CHAT,
        maxOutputTokens: 5120,
      },
      {
        modelId: 'amazon.nova-lite-v1:0',
        displayName: 'Amazon Nova Lite',
        capabilities: CHAT_VISION,
        maxOutputTokens: 5120,
      },
      {
        modelId: 'amazon.nova-pro-v1:0',
        displayName: 'Amazon Nova Pro',
        capabilities: CHAT_VISION,
        maxOutputTokens: 5120,
      },
      {
        modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
        displayName: 'Claude 3.5 Haiku (Bedrock)',
        capabilities: CHAT,
        maxOutputTokens: 8192,
      },
      {
        modelId: 'anthropic.claude-sonnet-4-20250514-v1:0',
        displayName: 'Claude Sonnet 4 (Bedrock)',
        capabilities: REASONING,
        maxOutputTokens: 64000,
      },
      {
        modelId: 'meta.llama3-3-70b-instruct-v1:0',
        displayName: 'Llama 3.3 70B (Bedrock)',
        capabilities: CHAT,
        maxOutputTokens: 8192,
      },
    ],
  },
  {
    type: 'openrouter',
    slug: 'openrouter',
    name: 'OpenRouter',
    baseUrl: 'https://openrouter.ai/api/v1',
    auth: { apiKey: { _env: 'OPENROUTER_API_KEY' } },
    requiredEnv: ['OPENROUTER_API_KEY'],
    pricesFrom: 'openrouter',
    priority: 40,
    models: [
      {
        modelId: 'meta-llama/llama-3.3-70b-instruct',
        displayName: 'Llama 3.3 70B (OpenRouter)',
        capabilities: CHAT,
        contextWindow: 131072,
      },
      { modelId: 'openai/gpt-4o-mini', displayName: 'GPT-4o mini (OpenRouter)', capabilities: CHAT_VISION },
      {
        modelId: 'google/gemini-2.5-flash',
        displayName: 'Gemini 2.5 Flash (OpenRouter)',
        capabilities: REASONING,
      },
      {
        modelId: 'deepseek/deepseek-chat',
        displayName: 'DeepSeek V3 (OpenRouter)',
        capabilities: CHAT,
        contextWindow: 163840,
      },
      {
        modelId: 'anthropic/claude-sonnet-4',
        displayName: 'Claude Sonnet 4 (OpenRouter)',
        capabilities: REASONING,
        contextWindow: 200000,
      },
    ],
  },
  {
    type: 'together',
    slug: 'together',
    name: 'Together AI',
    baseUrl: 'https://api.together.xyz/v1',
    auth: { apiKey: { _env: 'TOGETHER_API_KEY' } },
    requiredEnv: ['TOGETHER_API_KEY'],
    pricesFrom: 'together',
    priority: 45,
    models: [
      {
        modelId: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo',
        displayName: 'Llama 3.1 8B Turbo (Together)',
        capabilities: CHAT,
        contextWindow: 131072,
      },
      {
        modelId: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
        displayName: 'Llama 3.3 70B Turbo (Together)',
        capabilities: CHAT,
        contextWindow: 131072,
      },
      {
        modelId: 'meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8',
        displayName: 'Llama 4 Maverick (Together)',
        capabilities: CHAT_VISION,
        contextWindow: 1048576,
      },
    ],
  },
  {
    type: 'groq',
    slug: 'groq',
    name: 'Groq',
    baseUrl: 'https://api.groq.com/openai/v1',
    auth: { apiKey: { _env: 'GROQ_API_KEY' } },
    requiredEnv: ['GROQ_API_KEY'],
    pricesFrom: 'groq',
    priority: 45,
    models: [
      {
        modelId: 'llama-3.1-8b-instant',
        displayName: 'Llama 3.1 8B Instant (Groq)',
        capabilities: CHAT,
        contextWindow: 131072,
        maxOutputTokens: 131072,
      },
      {
        modelId: 'openai/gpt-oss-20b',
        displayName: 'gpt-oss-20b (Groq)',
        capabilities: [...CHAT, 'reasoning'],
        maxOutputTokens: 65536,
      },
      {
        modelId: 'openai/gpt-oss-120b',
        displayName: 'gpt-oss-120b (Groq)',
        capabilities: [...CHAT, 'reasoning'],
        maxOutputTokens: 65536,
      },
      {
        modelId: 'llama-3.3-70b-versatile',
        displayName: 'Llama 3.3 70B Versatile (Groq)',
        capabilities: CHAT,
        contextWindow: 131072,
        maxOutputTokens: 32768,
      },
    ],
  },
  {
    type: 'mistral',
    slug: 'mistral',
    name: 'Mistral',
    baseUrl: 'https://api.mistral.ai/v1',
    auth: { apiKey: { _env: 'MISTRAL_API_KEY' } },
    requiredEnv: ['MISTRAL_API_KEY'],
    pricesFrom: 'mistral',
    priority: 45,
    models: [
      {
        modelId: 'mistral-small-latest',
        displayName: 'Mistral Small',
        capabilities: CHAT_VISION,
        contextWindow: 131072,
      },
      { modelId: 'codestral-latest', displayName: 'Codestral', capabilities: CHAT },
      {
        modelId: 'mistral-medium-latest',
        displayName: 'Mistral Medium',
        capabilities: CHAT_VISION,
        contextWindow: 131072,
      },
      {
        modelId: 'mistral-large-latest',
        displayName: 'Mistral Large',
        capabilities: CHAT,
        contextWindow: 131072,
      },
      { modelId: 'mistral-embed', displayName: 'Mistral Embed', capabilities: EMBED },
    ],
  },
  {
    type: 'fireworks',
    slug: 'fireworks',
    name: 'Fireworks',
    baseUrl: 'https://api.fireworks.ai/inference/v1',
    auth: { apiKey: { _env: 'FIREWORKS_API_KEY' } },
    requiredEnv: ['FIREWORKS_API_KEY'],
    pricesFrom: 'fireworks',
    priority: 50,
    models: [
      {
        modelId: 'accounts/fireworks/models/llama-v3p1-8b-instruct',
        displayName: 'Llama 3.1 8B (Fireworks)',
        capabilities: CHAT,
      },
      {
        modelId: 'accounts/fireworks/models/gpt-oss-120b',
        displayName: 'gpt-oss-120b (Fireworks)',
        capabilities: [...CHAT, 'reasoning'],
        contextWindow: 131072,
      },
      {
        modelId: 'accounts/fireworks/models/qwen3-235b-a22b',
        displayName: 'Qwen3 235B (Fireworks)',
        capabilities: [...CHAT, 'reasoning'],
        contextWindow: 131072,
      },
    ],
  },
  {
    type: 'cohere',
    slug: 'cohere',
    name: 'Cohere',
    // Cohere's OpenAI-compatible endpoint.
    baseUrl: 'https://api.cohere.ai/compatibility/v1',
    auth: { apiKey: { _env: 'COHERE_API_KEY' } },
    requiredEnv: ['COHERE_API_KEY'],
    pricesFrom: 'cohere',
    priority: 50,
    models: [
      {
        modelId: 'command-r7b-12-2024',
        displayName: 'Command R7B',
        capabilities: CHAT,
        contextWindow: 128000,
        maxOutputTokens: 4096,
      },
      {
        modelId: 'command-r-08-2024',
        priceKey: 'command-r',
        displayName: 'Command R',
        capabilities: CHAT,
        contextWindow: 128000,
        maxOutputTokens: 4096,
      },
      {
        modelId: 'command-a-03-2025',
        displayName: 'Command A',
        capabilities: CHAT,
        contextWindow: 256000,
        maxOutputTokens: 8192,
      },
    ],
  },
  {
    type: 'huggingface',
    slug: 'huggingface',
    name: 'HuggingFace',
    baseUrl: 'https://router.huggingface.co/v1',
    auth: { apiKey: { _env: 'HF_TOKEN' } },
    requiredEnv: ['HF_TOKEN'],
    // Prices depend on the inference provider HF routes to; the price package has none.
    priority: 60,
    models: [],
  },
  {
    type: 'deepseek',
    slug: 'deepseek',
    name: 'DeepSeek',
    baseUrl: 'https://api.deepseek.com/v1',
    auth: { apiKey: { _env: 'DEEPSEEK_API_KEY' } },
    requiredEnv: ['DEEPSEEK_API_KEY'],
    pricesFrom: 'deepseek',
    priority: 50,
    models: [
      {
        modelId: 'deepseek-chat',
        displayName: 'DeepSeek Chat (V3)',
        capabilities: CHAT,
        maxOutputTokens: 8192,
      },
      {
        modelId: 'deepseek-reasoner',
        displayName: 'DeepSeek Reasoner (R1)',
        capabilities: [...CHAT, 'reasoning'],
        maxOutputTokens: 65536,
      },
    ],
  },
  {
    type: 'ollama',
    slug: 'ollama',
    name: 'Ollama',
    // OLLAMA_BASE_URL (if set at seed time) replaces this default.
    baseUrl: 'http://127.0.0.1:11434/v1',
    auth: {},
    requiredEnv: ['OLLAMA_BASE_URL'],
    priority: 70,
    config: { keyless: true },
    models: [
      {
        modelId: 'llama3.2',
        displayName: 'Llama 3.2 (local)',
        capabilities: ['chat', 'streaming', 'tools', 'json'],
        contextWindow: 131072,
        fixedPrices: { input: 0, output: 0 },
      },
      {
        modelId: 'nomic-embed-text',
        displayName: 'Nomic Embed (local)',
        capabilities: EMBED,
        contextWindow: 8192,
        fixedPrices: { input: 0, output: 0 },
      },
    ],
  },
  {
    type: 'custom',
    slug: 'custom',
    name: 'Custom (OpenAI-compatible)',
    baseUrl: null,
    auth: { apiKey: { _env: 'CUSTOM_API_KEY' } },
    // Never activated by the seed: an admin sets the base URL first.
    requiredEnv: [],
    priority: 80,
    models: [],
  },
];

/** The built-in deterministic provider: no network, no key. */
export const MOCK_PROVIDER = {
  type: 'mock',
  slug: 'mock',
  name: 'Mock (built-in)',
  baseUrl: null,
  auth: {},
  priority: 100,
  config: { keyless: true },
} as const;

export const MOCK_MODELS: ResolvedCatalogueModel[] = [
  {
    modelId: 'mock-small',
    displayName: 'Mock Small',
    description: 'Built-in deterministic model for demos and tests (no network, no key).',
    priceInputPer1M: 0.1,
    priceOutputPer1M: 0.4,
    priceCachedInputPer1M: 0.05,
    contextWindow: 32768,
    maxOutputTokens: 4096,
    qualityTier: 'eco',
    qualityScore: 30,
    capabilities: ['chat', 'streaming', 'tools', 'json'],
  },
  {
    modelId: 'mock-large',
    displayName: 'Mock Large',
    description: 'Built-in deterministic model for demos and tests (no network, no key).',
    priceInputPer1M: 1,
    priceOutputPer1M: 4,
    priceCachedInputPer1M: 0.5,
    contextWindow: 131072,
    maxOutputTokens: 8192,
    qualityTier: 'precision',
    qualityScore: 80,
    capabilities: ['chat', 'streaming', 'tools', 'json', 'vision', 'reasoning'],
  },
  {
    modelId: 'mock-embed',
    displayName: 'Mock Embed',
    description: 'Built-in deterministic embedding model (no network, no key).',
    priceInputPer1M: 0.02,
    priceOutputPer1M: 0,
    priceCachedInputPer1M: null,
    contextWindow: 8192,
    maxOutputTokens: null,
    qualityTier: 'eco',
    qualityScore: 30,
    capabilities: ['embeddings'],
  },
];

/** eco under $0.50 per 1M (mean of input and output), precision from $5, balanced between. */
export function tierForPrice(input: number, output: number): QualityTier {
  const mean = (input + output) / 2;
  if (mean < 0.5) return 'eco';
  if (mean < 5) return 'balanced';
  return 'precision';
}

/** 0-100 from price on a log scale: $0.05 -> 24, $0.40 -> 42, $6 -> 66, $45 -> 83. */
export function scoreForPrice(input: number, output: number): number {
  const mean = (input + output) / 2;
  if (mean <= 0) return 40;
  return Math.max(5, Math.min(95, Math.round(50 + 20 * Math.log10(mean))));
}

function baseNumber(v: ModelPrice[string]): number | null {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && typeof v.base === 'number') return v.base; // tiered: price below the first tier
  return null;
}

export interface PriceLookup {
  input: number;
  output: number;
  cached: number | null;
  contextWindow: number | null;
  description: string | null;
}

/** Current price of a model from @pydantic/genai-prices, or null when the package has none. */
export function lookupPrice(
  pricesProviderId: string,
  modelKey: string,
  at: Date = new Date(),
): PriceLookup | null {
  const provider = findProvider({ providerId: pricesProviderId });
  if (!provider) return null;
  const result = calcPrice({ input_tokens: 0, output_tokens: 0 }, modelKey, { provider, timestamp: at });
  if (!result) return null;
  const input = baseNumber(result.model_price.input_mtok);
  if (input === null) return null;
  return {
    input,
    output: baseNumber(result.model_price.output_mtok) ?? 0,
    cached: baseNumber(result.model_price.cache_read_mtok),
    contextWindow: result.model.context_window ?? null,
    description: result.model.description ?? null,
  };
}

/** A price of the catalogue: a number, or a base with tiers by prompt size. */
type TieredPrice = number | { base: number; tiers?: { start: number; price: number }[] } | undefined;

/** A tiered price's first tier above its base, as a multiple of the base; null when it has none. */
function firstTier(p: TieredPrice): { start: number; factor: number } | null {
  if (typeof p !== 'object' || !p.tiers?.length || !(p.base > 0)) return null;
  const t = p.tiers[0]!;
  return t.start > 0 && t.price > 0 ? { start: t.start, factor: t.price / p.base } : null;
}

/**
 * A model's long-context prices from the catalogue, as multiples of its own (core's LongContextPrices): Anthropic and
 * Google bill a prompt above a size (200,000 tokens for Claude Sonnet 4.x, Gemini 2.5 and 3 Pro) at higher prices,
 * all of it and its answer. By the provider's catalogue (its type) and the model the admin says the entry serves
 * (`baseModel`), else its id; null for a model with one price, one the catalogue does not know, or a provider type
 * without a catalogue. Multiples rather than the catalogue's prices: an admin's own prices scale the same way.
 */
export function longContextOf(
  providerType: string,
  modelId: string,
  baseModel?: string | null,
  at: Date = new Date(),
): LongContextPrices | null {
  const from = PROVIDER_CATALOGUE.find((s) => s.type === providerType)?.pricesFrom;
  const provider = from ? findProvider({ providerId: from }) : undefined;
  if (!provider) return null;
  try {
    const r = calcPrice({ input_tokens: 0, output_tokens: 0 }, baseModel?.trim() || modelId, {
      provider,
      timestamp: at,
    });
    const price = r?.model_price as Record<string, TieredPrice> | undefined;
    const input = firstTier(price?.input_mtok);
    if (!price || !input) return null;
    const output = firstTier(price.output_mtok);
    const cached = firstTier(price.cache_read_mtok);
    return {
      above: input.start,
      input: input.factor,
      output: output?.factor ?? 1,
      cachedIn: cached?.factor ?? input.factor,
    };
  } catch {
    // A catalogue entry the package cannot price: one price, as before.
    return null;
  }
}

/** The catalogue models of one provider with prices resolved; models without a price are left out. */
export function resolveCatalogueModels(
  spec: CatalogueProviderSpec,
  at: Date = new Date(),
): ResolvedCatalogueModel[] {
  const out: ResolvedCatalogueModel[] = [];
  for (const m of spec.models) {
    let price: PriceLookup | null = null;
    if (m.fixedPrices) {
      price = {
        input: m.fixedPrices.input,
        output: m.fixedPrices.output,
        cached: m.fixedPrices.cached ?? null,
        contextWindow: null,
        description: null,
      };
    } else if (spec.pricesFrom) {
      price = lookupPrice(spec.pricesFrom, m.priceKey ?? m.modelId, at);
    }
    if (!price) continue;
    const embedding = m.capabilities.includes('embeddings');
    out.push({
      modelId: m.modelId,
      displayName: m.displayName,
      description: price.description,
      priceInputPer1M: price.input,
      priceOutputPer1M: price.output,
      priceCachedInputPer1M: price.cached,
      contextWindow: price.contextWindow ?? m.contextWindow ?? null,
      maxOutputTokens: m.maxOutputTokens ?? null,
      qualityTier: embedding ? 'eco' : tierForPrice(price.input, price.output),
      qualityScore: embedding ? 30 : scoreForPrice(price.input, price.output),
      capabilities: [...m.capabilities],
    });
  }
  return out;
}

/**
 * What the catalogue knows about one model of a provider type, for a model an admin imports from the provider's
 * listing: the curated entry (display name, capabilities, limits) when there is one, else the price package's
 * price and context window; local, free provider types price every model at 0. Null: the price is unknown.
 */
export function catalogueModel(
  providerType: string,
  modelId: string,
  opts: { free: boolean; at?: Date },
):
  | (Omit<ResolvedCatalogueModel, 'capabilities' | 'displayName'> & {
      displayName: string | null;
      capabilities: string[] | null;
    })
  | null {
  const at = opts.at ?? new Date();
  if (providerType === 'mock') return MOCK_MODELS.find((m) => m.modelId === modelId) ?? null;
  const spec = PROVIDER_CATALOGUE.find(
    (s) => s.type === (providerType === 'azure-openai' ? 'azure' : providerType),
  );
  const curated = spec?.models.find((m) => m.modelId === modelId);
  if (spec && curated) {
    const [resolved] = resolveCatalogueModels({ ...spec, models: [curated] }, at);
    if (resolved) return resolved;
  }
  const price: PriceLookup | null = opts.free
    ? { input: 0, output: 0, cached: null, contextWindow: null, description: null }
    : spec?.pricesFrom
      ? lookupPrice(spec.pricesFrom, modelId, at)
      : null;
  if (!price) return null;
  return {
    modelId,
    displayName: null,
    description: price.description,
    priceInputPer1M: price.input,
    priceOutputPer1M: price.output,
    priceCachedInputPer1M: price.cached,
    contextWindow: price.contextWindow,
    maxOutputTokens: null,
    qualityTier: tierForPrice(price.input, price.output),
    qualityScore: scoreForPrice(price.input, price.output),
    capabilities: null,
  };
}

/** A curated model of a provider type, as the add-provider checklist offers it when discovery is not possible. */
export interface CatalogueChoice {
  modelId: string;
  displayName: string;
  /** USD per 1M tokens; null when the price package does not know the model. */
  priceInputPer1M: number | null;
  priceOutputPer1M: number | null;
}

/**
 * The catalogue's curated models of a provider type (its listing stands in when the provider's own cannot be read:
 * no key yet, a failed test, a protocol without a model listing), with prices where known.
 */
export function catalogueChoices(providerType: string, at: Date = new Date()): CatalogueChoice[] {
  if (providerType === 'mock')
    return MOCK_MODELS.map((m) => ({
      modelId: m.modelId,
      displayName: m.displayName,
      priceInputPer1M: m.priceInputPer1M,
      priceOutputPer1M: m.priceOutputPer1M,
    }));
  const spec = PROVIDER_CATALOGUE.find(
    (s) => s.type === (providerType === 'azure-openai' ? 'azure' : providerType),
  );
  if (!spec) return [];
  const priced = new Map(resolveCatalogueModels(spec, at).map((m) => [m.modelId, m]));
  return spec.models.map((m) => ({
    modelId: m.modelId,
    displayName: m.displayName,
    priceInputPer1M: priced.get(m.modelId)?.priceInputPer1M ?? null,
    priceOutputPer1M: priced.get(m.modelId)?.priceOutputPer1M ?? null,
  }));
}
