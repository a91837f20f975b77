/** The built-in `mock` provider: in-process, deterministic, OpenAI wire format underneath. */
import { localCountTokens, makeCall, pivotChatRequest, secondsOf } from '../common.js';
import { AdapterError } from '../types.js';
import type { CallContext, ModelInfo, PreparedCall, ProviderAdapter, UpstreamRequest } from '../types.js';
import { openaiChatWire, openaiEmbeddingsWire } from '../openai-compatible/adapter.js';
import { MOCK_MODELS, runMockChat, runMockEmbeddings } from './engine.js';

export const mockAdapter: ProviderAdapter = {
  id: 'mock',
  /** The mock answers in the OpenAI wire format. */
  wires: [openaiChatWire, openaiEmbeddingsWire],
  /** The mock answers one free-text choice: it honours none of them. */
  params: [],
  chatCapabilities: ['chat', 'streaming', 'tools', 'json'],

  supports() {
    return true;
  },

  async prepare(ctx: CallContext): Promise<PreparedCall> {
    const created = secondsOf(ctx);
    switch (ctx.endpoint) {
      case 'count_tokens':
        return localCountTokens(ctx);
      case 'embeddings':
        return makeCall(
          ctx,
          { kind: 'local', run: async () => runMockEmbeddings(ctx.body, ctx.upstreamModel) },
          openaiEmbeddingsWire,
        );
      case 'chat':
      case 'messages':
      case 'responses': {
        const chat = pivotChatRequest(ctx);
        return makeCall(
          ctx,
          { kind: 'local', run: (signal) => runMockChat(chat, ctx.stream, created, signal) },
          openaiChatWire,
          {
            clientWantsUsage:
              ctx.endpoint === 'chat'
                ? !!(ctx.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage
                : false,
          },
        );
      }
      default:
        throw new AdapterError(400, 'unsupported_endpoint', `Unsupported endpoint ${String(ctx.endpoint)}.`);
    }
  },

  async listModelsRequest(): Promise<UpstreamRequest | null> {
    return null;
  },

  parseModels(): ModelInfo[] {
    return MOCK_MODELS.map((m) => ({ ...m, ownedBy: 'switchyard', free: true }));
  },
};
