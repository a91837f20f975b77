/**
 * The wire protocols the gateway speaks upstream, one adapter each. Adding a protocol is its folder
 * (`providers/<id>/`: adapter, request, response, stream) plus one line here; provider types then name it in
 * the catalogue (`adapter: '<id>'`).
 */
import { anthropicAdapter } from './anthropic/adapter.js';
import { azureOpenaiAdapter } from './azure-openai/adapter.js';
import { bedrockAdapter } from './bedrock/adapter.js';
import { geminiAdapter } from './gemini/adapter.js';
import { mockAdapter } from './mock/adapter.js';
import { openaiCompatibleAdapter } from './openai-compatible/adapter.js';
import type { ProviderAdapter, UpstreamWire } from './types.js';

export const ADAPTERS = Object.freeze({
  'openai-compatible': openaiCompatibleAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
  'azure-openai': azureOpenaiAdapter,
  bedrock: bedrockAdapter,
  mock: mockAdapter,
} satisfies Record<string, ProviderAdapter>);

export type AdapterId = keyof typeof ADAPTERS;

let wires: Map<string, UpstreamWire> | undefined;

/** An upstream wire by its id (every wire some adapter decodes), or undefined. */
export function wireById(id: string): UpstreamWire | undefined {
  wires ??= new Map(
    Object.values(ADAPTERS).flatMap((a: ProviderAdapter) => a.wires.map((w) => [w.id, w] as const)),
  );
  return wires.get(id);
}
