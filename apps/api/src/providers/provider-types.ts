import type { AdapterId } from './registry.js';
import type { ProviderType } from './types.js';

export type AuthStyle = 'bearer' | 'x-api-key' | 'x-goog-api-key' | 'api-key' | 'sigv4' | 'none';

export interface ProviderDefaults {
  type: ProviderType;
  displayName: string;
  adapter: AdapterId;
  /** Null: must be configured (Azure, Custom) or derived (Bedrock from region). */
  defaultBaseUrl: string | null;
  authStyle: AuthStyle;
  /** Upstream honours `stream_options.include_usage`. */
  supportsStreamUsage: boolean;
  /** Upstream serves `/responses` natively (else the gateway translates to chat). */
  supportsResponsesApi: boolean;
  supportsEmbeddings: boolean;
  /** Environment variable(s) an `_env` key reference usually points at. */
  envKey: string | null;
  /** A key is optional (local servers, mock). */
  keyOptional: boolean;
  /** Model usage is free (local). */
  free: boolean;
  color: string;
  docsUrl: string;
  /** Placeholder shown in the add-provider form. */
  keyHint?: string;
  /** The shape a key of this type must have (a key given as a user's or an organization's own is checked). */
  keyPattern?: RegExp;
}

const d = (
  x: Omit<ProviderDefaults, 'supportsEmbeddings' | 'keyOptional' | 'free'> & Partial<ProviderDefaults>,
): ProviderDefaults => ({
  supportsEmbeddings: false,
  keyOptional: false,
  free: false,
  ...x,
});

/** Per-provider defaults. The UI reads it for the add-provider form; adapters for URLs and capabilities. */
export const PROVIDER_CATALOGUE: Readonly<Record<ProviderType, ProviderDefaults>> = {
  openai: d({
    type: 'openai',
    displayName: 'OpenAI',
    adapter: 'openai-compatible',
    defaultBaseUrl: 'https://api.openai.com/v1',
    authStyle: 'bearer',
    supportsStreamUsage: true,
    supportsResponsesApi: true,
    supportsEmbeddings: true,
    envKey: 'OPENAI_API_KEY',
    color: '#10a37f',
    docsUrl: 'https://platform.openai.com/docs/api-reference',
    keyHint: 'sk-...',
  }),
  anthropic: d({
    type: 'anthropic',
    displayName: 'Anthropic',
    adapter: 'anthropic',
    defaultBaseUrl: 'https://api.anthropic.com',
    authStyle: 'x-api-key',
    supportsStreamUsage: true,
    supportsResponsesApi: false,
    envKey: 'ANTHROPIC_API_KEY',
    color: '#d97757',
    docsUrl: 'https://docs.anthropic.com/en/api/messages',
    keyHint: 'sk-ant-...',
  }),
  google: d({
    type: 'google',
    displayName: 'Google Gemini',
    adapter: 'gemini',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    authStyle: 'x-goog-api-key',
    supportsStreamUsage: true,
    supportsResponsesApi: false,
    envKey: 'GEMINI_API_KEY',
    color: '#4285f4',
    docsUrl: 'https://ai.google.dev/api/generate-content',
    keyHint: 'AIza...',
  }),
  'azure-openai': d({
    type: 'azure-openai',
    displayName: 'Azure OpenAI',
    adapter: 'azure-openai',
    defaultBaseUrl: null,
    authStyle: 'api-key',
    supportsStreamUsage: true,
    supportsResponsesApi: false,
    supportsEmbeddings: true,
    envKey: 'AZURE_OPENAI_API_KEY',
    color: '#0078d4',
    docsUrl: 'https://learn.microsoft.com/azure/ai-services/openai/reference',
    keyHint: 'https://<resource>.openai.azure.com',
  }),
  bedrock: d({
    type: 'bedrock',
    displayName: 'AWS Bedrock',
    adapter: 'bedrock',
    defaultBaseUrl: null,
    authStyle: 'sigv4',
    supportsStreamUsage: false,
    supportsResponsesApi: false,
    envKey: 'AWS_ACCESS_KEY_ID',
    color: '#ff9900',
    docsUrl: 'https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html',
    keyHint: 'accessKeyId:secretAccessKey[:sessionToken]',
    keyPattern: /^[^:\s]+:[^:\s]+(:\S+)?$/,
  }),
  openrouter: d({
    type: 'openrouter',
    displayName: 'OpenRouter',
    adapter: 'openai-compatible',
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    authStyle: 'bearer',
    supportsStreamUsage: true,
    supportsResponsesApi: false,
    envKey: 'OPENROUTER_API_KEY',
    color: '#6467f2',
    docsUrl: 'https://openrouter.ai/docs/api-reference/overview',
    keyHint: 'sk-or-...',
  }),
  together: d({
    type: 'together',
    displayName: 'Together AI',
    adapter: 'openai-compatible',
    defaultBaseUrl: 'https://api.together.xyz/v1',
    authStyle: 'bearer',
    supportsStreamUsage: true,
    supportsResponsesApi: false,
    supportsEmbeddings: true,
    envKey: 'TOGETHER_API_KEY',
    color: '#0f6fff',
    docsUrl: 'https://docs.together.ai/reference/chat-completions-1',
  }),
  groq: d({
    type: 'groq',
    displayName: 'Groq',
    adapter: 'openai-compatible',
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
    authStyle: 'bearer',
    supportsStreamUsage: true,
    supportsResponsesApi: false,
    envKey: 'GROQ_API_KEY',
    color: '#f55036',
    docsUrl: 'https://console.groq.com/docs/api-reference',
    keyHint: 'gsk_...',
  }),
  mistral: d({
    type: 'mistral',
    displayName: 'Mistral',
    adapter: 'openai-compatible',
    defaultBaseUrl: 'https://api.mistral.ai/v1',
    authStyle: 'bearer',
    // Mistral reports usage in the last stream chunk on its own and rejects unknown fields.
    supportsStreamUsage: false,
    supportsResponsesApi: false,
    supportsEmbeddings: true,
    envKey: 'MISTRAL_API_KEY',
    color: '#fa520f',
    docsUrl: 'https://docs.mistral.ai/api/',
  }),
  fireworks: d({
    type: 'fireworks',
    displayName: 'Fireworks AI',
    adapter: 'openai-compatible',
    defaultBaseUrl: 'https://api.fireworks.ai/inference/v1',
    authStyle: 'bearer',
    supportsStreamUsage: true,
    supportsResponsesApi: false,
    supportsEmbeddings: true,
    envKey: 'FIREWORKS_API_KEY',
    color: '#6720ff',
    docsUrl: 'https://docs.fireworks.ai/api-reference/post-chatcompletions',
  }),
  cohere: d({
    type: 'cohere',
    displayName: 'Cohere',
    adapter: 'openai-compatible',
    defaultBaseUrl: 'https://api.cohere.ai/compatibility/v1',
    authStyle: 'bearer',
    supportsStreamUsage: false,
    supportsResponsesApi: false,
    supportsEmbeddings: true,
    envKey: 'COHERE_API_KEY',
    color: '#39594d',
    docsUrl: 'https://docs.cohere.com/docs/compatibility-api',
  }),
  huggingface: d({
    type: 'huggingface',
    displayName: 'Hugging Face',
    adapter: 'openai-compatible',
    defaultBaseUrl: 'https://router.huggingface.co/v1',
    authStyle: 'bearer',
    supportsStreamUsage: true,
    supportsResponsesApi: false,
    envKey: 'HF_TOKEN',
    color: '#ffcc4d',
    docsUrl: 'https://huggingface.co/docs/inference-providers',
    keyHint: 'hf_...',
  }),
  deepseek: d({
    type: 'deepseek',
    displayName: 'DeepSeek',
    adapter: 'openai-compatible',
    defaultBaseUrl: 'https://api.deepseek.com/v1',
    authStyle: 'bearer',
    supportsStreamUsage: true,
    supportsResponsesApi: false,
    envKey: 'DEEPSEEK_API_KEY',
    color: '#4d6bfe',
    docsUrl: 'https://api-docs.deepseek.com/',
  }),
  ollama: d({
    type: 'ollama',
    displayName: 'Ollama',
    adapter: 'openai-compatible',
    defaultBaseUrl: 'http://127.0.0.1:11434/v1',
    authStyle: 'bearer',
    supportsStreamUsage: true,
    supportsResponsesApi: false,
    supportsEmbeddings: true,
    envKey: null,
    keyOptional: true,
    free: true,
    color: '#000000',
    docsUrl: 'https://github.com/ollama/ollama/blob/main/docs/openai.md',
  }),
  custom: d({
    type: 'custom',
    displayName: 'Custom (OpenAI-compatible)',
    adapter: 'openai-compatible',
    defaultBaseUrl: null,
    authStyle: 'bearer',
    supportsStreamUsage: true,
    supportsResponsesApi: false,
    supportsEmbeddings: true,
    envKey: null,
    keyOptional: true,
    color: '#64748b',
    docsUrl: 'https://platform.openai.com/docs/api-reference/chat',
  }),
  mock: d({
    type: 'mock',
    displayName: 'Mock (built-in)',
    adapter: 'mock',
    defaultBaseUrl: null,
    authStyle: 'none',
    supportsStreamUsage: true,
    supportsResponsesApi: false,
    supportsEmbeddings: true,
    envKey: null,
    keyOptional: true,
    free: true,
    color: '#a855f7',
    docsUrl: 'https://github.com/switchyard/switchyard#mock-provider',
  }),
};

export const PROVIDER_TYPES = Object.keys(PROVIDER_CATALOGUE) as ProviderType[];

export function isProviderType(t: string): t is ProviderType {
  return Object.prototype.hasOwnProperty.call(PROVIDER_CATALOGUE, t);
}

/** Catalogue entry for a type; unknown types behave like `custom`. */
export function providerDefaults(type: string): ProviderDefaults {
  return isProviderType(type) ? PROVIDER_CATALOGUE[type] : PROVIDER_CATALOGUE.custom;
}

/** The adapters that send `/responses` to the upstream's own Responses API when `config.responsesApi` says so. */
const NATIVE_RESPONSES_ADAPTERS: ReadonlySet<AdapterId> = new Set(['openai-compatible', 'azure-openai']);

/**
 * Whether `/v1/responses` goes to this type's own Responses API by default (`config.responsesApi` overrides it), or
 * null when its adapter always translates it to the provider's chat API.
 */
export function nativeResponsesDefault(d: ProviderDefaults): boolean | null {
  return NATIVE_RESPONSES_ADAPTERS.has(d.adapter) ? d.supportsResponsesApi : null;
}

/**
 * Why a key cannot be one of this provider type's (a user's BYOK key, an organization's key), or null when its shape
 * fits (only types whose keys have a fixed shape are checked: Bedrock's `accessKeyId:secretAccessKey[:sessionToken]`).
 */
export function keyShapeProblem(type: string, key: string): string | null {
  const d = (PROVIDER_CATALOGUE as Readonly<Record<string, ProviderDefaults>>)[type];
  if (!d?.keyPattern || d.keyPattern.test(key)) return null;
  return `apiKey: a ${d.displayName} key is ${d.keyHint ?? 'in another form'}`;
}
