/**
 * A real HTTP mock upstream for tests (node:http on 127.0.0.1, random port).
 *
 * Speaks, with deterministic answers:
 * - OpenAI: `POST /v1/chat/completions` (stream with `stream_options.include_usage`, and non-stream; 400 for
 *   `max_tokens` to a reasoning model id, `o1…`/`o3…`/`gpt-5…`, as OpenAI answers),
 *   `POST /v1/embeddings`, `GET /v1/models`, `POST /v1/responses` (stream and non-stream); a reasoning model given a
 *   `max_completion_tokens` below MOCK_REASONING_TOKENS spends it all reasoning, as OpenAI's do: 200, empty content,
 *   finish_reason `length`; 400 for `stop` to a model OpenAI says takes none (o3, o4-mini, gpt-5, 5.1, 5.2)
 * - Anthropic: `POST /v1/messages` (stream and non-stream), `POST /v1/messages/count_tokens`,
 *   `GET /v1/models` (when the request carries `anthropic-version`); 400 for a thinking block without a signature
 *   (or with a mock signature, mockThinkingSignature, that does not sign its text),
 *   and, with thinking on, for a last assistant turn calling a tool that does not open with thinking; 400 for a
 *   thinking budget (`thinking.type` enabled) to Opus 4.7 or later, which take only adaptive thinking (Bedrock too)
 * - Gemini: `POST /v1beta/models/{m}:generateContent`, `:streamGenerateContent?alt=sse`, `GET /v1beta/models`
 * - Azure: `POST /openai/deployments/{d}/chat/completions?api-version=...` (and `/embeddings`);
 *   400 without `api-version`
 * - A chat model name may serve another model (`serves`: an Azure deployment, a corporate proxy's alias for an
 *   OpenAI model): it is refused what the model served refuses
 * - Bedrock: `POST /model/{id}/converse` and `/converse-stream` (AWS event-stream frames), `GET /foundation-models`; 403 unless the request has an
 *   `Authorization: AWS4-HMAC-SHA256 ...` header; 400 ValidationException for tool blocks without a toolConfig,
 *   and for Claude's thinking as Anthropic refuses it (a forged mock signature; with thinking on, a last assistant
 *   turn calling a tool that does not open with its reasoning)
 * - Ollama: `GET /api/tags`
 *
 * The answer text is `Hello from upstream` (three stream deltas); when the request offers tools and
 * the last user message mentions "weather" (or an Anthropic request forces a tool), the answer is a
 * `get_weather`-style tool call to the first (or the forced) tool with `{"location":"Paris"}`. Usage is fixed: 12 prompt tokens (2 cached), 5 completion.
 *
 * Every request is recorded (`requests`) before any fault applies. `script()` queues faults consumed
 * one per request (FIFO; a fault with `path` only applies to requests whose path contains it).
 *
 * ```ts
 * const up = await startMockUpstream();
 * up.script([{ status: 429, headers: { 'retry-after': '2' } }, { cutAfterChunks: 2 }]);
 * // ... point a provider's baseUrl at `${up.url}/v1` ...
 * expect(up.requests[0].headers.authorization).toBe('Bearer sk-test');
 * await up.close();
 * ```
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { drained } from '../lib/drained.js';
import { encodeBedrockEvent } from '../providers/bedrock/stream.js';

export interface Fault {
  /** Only requests whose path contains this string consume the fault. */
  path?: string;
  /** Respond with this status (and `body`, default an OpenAI-style error) instead of the answer. */
  status?: number;
  body?: string | Record<string, unknown>;
  headers?: Record<string, string>;
  /** Wait before sending the status line / headers. */
  delayMs?: number;
  /** Wait for this before sending the status line / headers (after `delayMs`): a test answers when it is ready. */
  until?: Promise<unknown>;
  /** Streaming: wait between chunks. */
  chunkDelayMs?: number;
  /** Destroy the socket without any response. */
  reset?: boolean;
  /** Streaming: send headers, then this many chunks, then destroy the socket (0 = cut before the first byte of body). */
  cutAfterChunks?: number;
  /** Streaming: send one malformed SSE event (data that is not JSON) after the first chunk. */
  malformed?: boolean;
  /** Never answer (for timeout tests); the socket stays open until close(). */
  hang?: boolean;
  /** Replace the answer text. */
  text?: string;
  /** Replace the answer text, streamed as these deltas (to split a value across chunks). */
  pieces?: string[];
  /**
   * Streaming (any SSE endpoint): answer 200 with these raw SSE events instead of the mock's own answer, one write
   * each (`chunkDelayMs` apart: give a delay to have each arrive in a read of its own).
   */
  events?: string[];
  /** Bedrock (converse and converse-stream): the answer's stop reason instead of end_turn / tool_use. */
  stopReason?: string;
  /** Bedrock converse-stream: every frame in one write (the whole turn reaches the gateway in one read). */
  oneWrite?: boolean;
  /**
   * The answer reasons first, this text (whole and streamed): OpenAI chat as `reasoning_content` (DeepSeek's field),
   * Anthropic as a thinking block signed `sig-mock`, Bedrock as a reasoningContent block, Gemini as a `thought` part
   * (only when the request asked for thoughts).
   */
  reasoning?: string;
  /**
   * Streaming (OpenAI chat): after the first chunk, `events` more content deltas of `bytes` characters each,
   * written as fast as the socket takes them (waiting for 'drain' when it is full); `flooded` counts them.
   */
  flood?: { events: number; bytes: number };
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path with the query string. */
  url: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the raw text when not JSON, or null when empty. */
  body: unknown;
  raw: Buffer;
}

export interface MockUpstream {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Queue one fault or several (consumed one per matching request). */
  script(fault: Fault | Fault[]): void;
  /** Forget recorded requests and queued faults. */
  reset(): void;
  /** Flood events handed to the socket so far (see `Fault.flood`). */
  readonly flooded: number;
  /**
   * OpenAI chat: a name the upstream serves another model under (an Azure deployment, else the body's `model`) ->
   * that model (not cleared by `reset`).
   */
  serves: Record<string, string>;
  close(): Promise<void>;
}

export const MOCK_TEXT_PIECES = ['Hello', ' from', ' upstream'];
export const MOCK_USAGE = { prompt: 12, cached: 2, completion: 5 };
/** Claude models that take only adaptive thinking (Opus 4.7 on): a thinking budget is refused, as Anthropic words it. */
const ADAPTIVE_ONLY_CLAUDE = /claude-opus-(?:4-[7-9]|[5-9])(?:$|[-.:/])/;
const ADAPTIVE_ONLY_REFUSAL =
  '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.';

/** What Anthropic refuses about a request's thinking (its messages, as its API words them); null: nothing. */
function thinkingRefusal(b: Record<string, unknown>): string | null {
  const t = b.thinking as { type?: string; budget_tokens?: number } | undefined;
  if (t?.type === 'enabled' && ADAPTIVE_ONLY_CLAUDE.test(String(b.model))) return ADAPTIVE_ONLY_REFUSAL;
  if (!t || t.type !== 'enabled') return null;
  const budget = t.budget_tokens ?? 0;
  if (budget < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
  if (typeof b.max_tokens !== 'number' || b.max_tokens <= budget)
    return '`max_tokens` must be greater than `thinking.budget_tokens`.';
  if (typeof b.temperature === 'number' && b.temperature !== 1)
    return '`temperature` may only be set to 1 when thinking is enabled or in interleaved thinking mode.';
  if (b.top_k !== undefined) return '`top_k` must be unset when thinking is enabled.';
  if (typeof b.top_p === 'number' && b.top_p < 0.95)
    return '`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled.';
  const tc = (b.tool_choice as { type?: string } | undefined)?.type;
  if (tc === 'any' || tc === 'tool') return 'Thinking may not be enabled when tool_choice forces tool use.';
  return null;
}

/**
 * The signature the mock gives a thinking text it wrote (Anthropic's and Bedrock's answers): bound to the text, as
 * Anthropic's is, so a thinking block sent back with another text (or another block's signature) is refused.
 */
export function mockThinkingSignature(text: string): string {
  return `sig-mock.${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

/** Whether a signature the mock made (`sig-mock…`) does not sign this text (other signatures are not checked). */
function forgedMockSignature(signature: unknown, text: unknown): boolean {
  return (
    typeof signature === 'string' &&
    signature.startsWith('sig-mock') &&
    signature !== mockThinkingSignature(typeof text === 'string' ? text : '')
  );
}

/**
 * What Anthropic refuses about the thinking blocks a request sends back (as its API words it); null: nothing. It
 * signs every thinking block it writes: one without a signature is not its own. With thinking on, a last assistant
 * turn that calls a tool must open with its thinking.
 */
function thinkingBlocksRefusal(b: Record<string, unknown>): string | null {
  const msgs = Array.isArray(b.messages) ? (b.messages as Array<Record<string, unknown>>) : [];
  let last = -1;
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    if (m.role !== 'assistant' || !Array.isArray(m.content)) continue;
    last = i;
    const blocks = m.content as Array<Record<string, unknown>>;
    for (let j = 0; j < blocks.length; j++)
      if (
        blocks[j]!.type === 'thinking' &&
        (typeof blocks[j]!.signature !== 'string' ||
          !blocks[j]!.signature ||
          forgedMockSignature(blocks[j]!.signature, blocks[j]!.thinking))
      )
        return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
  }
  const t = (b.thinking as { type?: string } | undefined)?.type;
  if ((t === 'enabled' || t === 'adaptive') && last >= 0) {
    const blocks = msgs[last]!.content as Array<Record<string, unknown>>;
    const first = blocks[0]?.type;
    if (blocks.some((x) => x.type === 'tool_use') && first !== 'thinking' && first !== 'redacted_thinking')
      return `messages.${last}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block.`;
  }
  return null;
}

/** OpenAI's models that take no `stop` (its API reference: o3, o4-mini; GPT-5, 5.1, 5.2 as their users report). */
const NO_STOP_MODEL = /^(?:o3(?!-mini)|o4-mini|gpt-5(?:\.[12])?(?!-chat))(?:$|-)/;

/** The tokens a reasoning model (o1, o3, gpt-5…) spends reasoning before it writes any text. */
export const MOCK_REASONING_TOKENS = 64;

type Obj = Record<string, unknown>;

function lastUserText(body: Obj): string {
  const msgs = (body.messages ?? body.contents ?? []) as Obj[];
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i]!;
    if (m.role !== 'user') continue;
    const c = m.content ?? m.parts;
    if (typeof c === 'string') return c;
    if (Array.isArray(c))
      return (c as Obj[]).map((p) => (typeof p.text === 'string' ? p.text : '')).join(' ');
  }
  if (typeof body.input === 'string') return body.input;
  return '';
}

function toolName(body: Obj): string | null {
  const tools = (body.tools ?? (body.toolConfig as Obj | undefined)?.tools) as Obj[] | undefined;
  if (!tools?.length || body.tool_choice === 'none') return null;
  // Anthropic's forced tool (`tool_choice: {type:"tool", name}`) is always called, whatever the question.
  const forced = body.tool_choice as Obj | undefined;
  if (forced?.type === 'tool' && typeof forced.name === 'string') return forced.name;
  if (!/weather/i.test(lastUserText(body))) return null;
  const t = tools[0]!;
  const fn = t.function as Obj | undefined;
  const decl = (t.functionDeclarations as Obj[] | undefined)?.[0];
  const spec = t.toolSpec as Obj | undefined;
  return String(fn?.name ?? t.name ?? decl?.name ?? spec?.name ?? 'tool');
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

export async function startMockUpstream(): Promise<MockUpstream> {
  const requests: RecordedRequest[] = [];
  let faults: Fault[] = [];
  let flooded = 0;
  const serves: Record<string, string> = {};
  const sockets = new Set<Socket>();

  const takeFault = (path: string): Fault | null => {
    const i = faults.findIndex((f) => !f.path || path.includes(f.path));
    if (i === -1) return null;
    return faults.splice(i, 1)[0]!;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err), type: 'server_error' } }));
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://x');
    let body: unknown = null;
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
      }
    }
    const path = u.pathname;
    requests.push({
      method: req.method ?? 'GET',
      path,
      url: req.url ?? '/',
      query: Object.fromEntries(u.searchParams),
      headers: req.headers,
      body,
      raw,
    });
    const fault = takeFault(path);
    if (fault?.hang) return;
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.until) await fault.until;
    if (fault?.reset) {
      req.socket.destroy();
      return;
    }
    if (fault?.status) {
      const b = fault.body ?? {
        error: {
          message: `Scripted upstream error ${fault.status}.`,
          type: fault.status >= 500 ? 'server_error' : 'invalid_request_error',
          code: null,
        },
      };
      const text = typeof b === 'string' ? b : JSON.stringify(b);
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(text);
      return;
    }
    const b = (body && typeof body === 'object' ? body : {}) as Obj;
    const pieces = fault?.pieces ?? (fault?.text ? [fault.text] : MOCK_TEXT_PIECES);
    const ctx: Ctx = { req, res, body: b, fault, pieces, tool: toolName(b), headers: fault?.headers ?? {} };

    const json = (status: number, obj: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', ...ctx.headers });
      res.end(JSON.stringify(obj));
    };
    if (fault?.events) return stream(ctx, fault.events);

    if (req.method === 'GET') {
      if (path === '/api/tags')
        return json(200, {
          models: [
            { name: 'llama3.2:latest', model: 'llama3.2:latest', size: 1 },
            { name: 'qwen2.5:7b', model: 'qwen2.5:7b', size: 2 },
          ],
        });
      if (path === '/foundation-models') {
        if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 '))
          return json(403, { message: 'Missing Authentication Token' });
        return json(200, {
          modelSummaries: [
            {
              modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
              modelName: 'Claude 3 Haiku',
              providerName: 'Anthropic',
              outputModalities: ['TEXT'],
            },
          ],
        });
      }
      if (path.startsWith('/v1beta/models'))
        return json(200, {
          models: [
            {
              name: 'models/gemini-2.0-flash',
              displayName: 'Gemini 2.0 Flash',
              inputTokenLimit: 1048576,
              outputTokenLimit: 8192,
              supportedGenerationMethods: ['generateContent'],
            },
            { name: 'models/text-embedding-004', supportedGenerationMethods: ['embedContent'] },
          ],
        });
      if (path.endsWith('/models')) {
        if (req.headers['anthropic-version'])
          return json(200, {
            data: [
              {
                type: 'model',
                id: 'claude-sonnet-4-5',
                display_name: 'Claude Sonnet 4.5',
                created_at: '2025-09-29T00:00:00Z',
              },
            ],
            has_more: false,
          });
        return json(200, {
          object: 'list',
          data: [
            { id: 'gpt-4o-mini', object: 'model', owned_by: 'openai' },
            { id: 'text-embedding-3-small', object: 'model', owned_by: 'openai' },
          ],
        });
      }
      return json(404, { error: { message: `No route ${path}`, type: 'not_found' } });
    }

    if (path.startsWith('/openai/deployments/') && !u.searchParams.get('api-version'))
      return json(400, { error: { code: 'BadRequest', message: 'api-version query parameter is required' } });
    // Converse validates the request before answering: tool blocks need a toolConfig.
    if (path.startsWith('/model/') && /\/converse(-stream)?$/.test(path) && converseInvalid(b, path)) {
      res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'ValidationException' });
      res.end(JSON.stringify({ message: converseInvalid(b, path) }));
      return;
    }
    if (path.startsWith('/model/') && path.endsWith('/converse-stream')) {
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 '))
        return json(403, { message: 'Missing Authentication Token' });
      const tool = toolName(b);
      const frames: Uint8Array[] = [encodeBedrockEvent('messageStart', { role: 'assistant' })];
      // Reasoning first: its own block (text, then signature), the answer's block after it.
      const at = fault?.reasoning ? 1 : 0;
      if (fault?.reasoning)
        frames.push(
          encodeBedrockEvent('contentBlockDelta', {
            contentBlockIndex: 0,
            delta: { reasoningContent: { text: fault.reasoning } },
          }),
          encodeBedrockEvent('contentBlockDelta', {
            contentBlockIndex: 0,
            delta: { reasoningContent: { signature: mockThinkingSignature(fault.reasoning) } },
          }),
          encodeBedrockEvent('contentBlockStop', { contentBlockIndex: 0 }),
        );
      if (tool) {
        frames.push(
          encodeBedrockEvent('contentBlockStart', {
            contentBlockIndex: at,
            start: { toolUse: { toolUseId: 'tooluse_1', name: tool } },
          }),
        );
        frames.push(
          encodeBedrockEvent('contentBlockDelta', {
            contentBlockIndex: at,
            delta: { toolUse: { input: '{"location":"Paris"}' } },
          }),
        );
      } else {
        for (const piece of fault?.pieces ?? (fault?.text ? [fault.text] : MOCK_TEXT_PIECES))
          frames.push(
            encodeBedrockEvent('contentBlockDelta', { contentBlockIndex: at, delta: { text: piece } }),
          );
      }
      frames.push(encodeBedrockEvent('contentBlockStop', { contentBlockIndex: at }));
      frames.push(
        encodeBedrockEvent('messageStop', {
          stopReason: fault?.stopReason ?? (tool ? 'tool_use' : 'end_turn'),
          ...converseStopFields(b, fault),
        }),
      );
      frames.push(
        encodeBedrockEvent('metadata', {
          usage: {
            inputTokens: MOCK_USAGE.prompt,
            outputTokens: MOCK_USAGE.completion,
            totalTokens: MOCK_USAGE.prompt + MOCK_USAGE.completion,
          },
          metrics: { latencyMs: 5 },
        }),
      );
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      const cut = fault?.cutAfterChunks;
      if (fault?.oneWrite) {
        res.end(Buffer.concat(frames));
        return;
      }
      for (let i = 0; i < frames.length; i++) {
        if (cut !== undefined && i >= cut) {
          await new Promise((r) => setTimeout(r, 20)); // let what was written reach the client first
          res.destroy();
          return;
        }
        // Split a frame across two writes to exercise incremental decoding.
        const f = Buffer.from(frames[i]!);
        res.write(f.subarray(0, 7));
        res.write(f.subarray(7));
        if (fault?.chunkDelayMs) await sleep(fault.chunkDelayMs);
      }
      res.end();
      return;
    }
    if (path.startsWith('/model/') && path.endsWith('/converse')) {
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 '))
        return json(403, { message: 'Missing Authentication Token' });
      return json(200, converse(ctx));
    }
    // Like Gemini 3: each model turn's first function call carries its thought signature.
    if (/gemini-3/.test(path) && Array.isArray(b.contents))
      for (const c of b.contents as Obj[]) {
        const call = Array.isArray(c.parts) ? (c.parts as Obj[]).find((p) => 'functionCall' in p) : undefined;
        if (c.role === 'model' && call && typeof call.thoughtSignature !== 'string')
          return json(400, {
            error: {
              code: 400,
              message: 'Function call is missing a thought_signature in functionCall parts.',
              status: 'INVALID_ARGUMENT',
            },
          });
      }
    if (path.includes(':streamGenerateContent')) return stream(ctx, geminiEvents(ctx));
    if (path.includes(':generateContent')) return json(200, geminiResponse(ctx));
    if (path.endsWith('/messages/count_tokens')) return json(200, { input_tokens: MOCK_USAGE.prompt });
    if (path.endsWith('/messages')) {
      // Like Claude models from Opus 4.1 and Sonnet 4.5 on.
      if (typeof b.temperature === 'number' && typeof b.top_p === 'number')
        return json(400, {
          type: 'error',
          error: {
            type: 'invalid_request_error',
            message:
              '`temperature` and `top_p` cannot both be specified for this model. Please use only one.',
          },
        });
      const refused = thinkingRefusal(b) ?? thinkingBlocksRefusal(b);
      if (refused)
        return json(400, { type: 'error', error: { type: 'invalid_request_error', message: refused } });
      return b.stream ? stream(ctx, anthropicEvents(ctx)) : json(200, anthropicResponse(ctx));
    }
    if (path.endsWith('/chat/completions')) {
      // The model served under the name asked for: an Azure deployment, else the body's model.
      const deployment = /^\/openai\/deployments\/([^/]+)\//.exec(path)?.[1];
      const name = deployment ? decodeURIComponent(deployment) : String(b.model);
      const served = serves[name] ?? String(b.model);
      // Like OpenAI's reasoning models (o1, o3, o4-mini, gpt-5…), which take only `max_completion_tokens`.
      if (b.max_tokens != null && /^(o\d|gpt-5)/.test(served))
        return json(400, {
          error: {
            message:
              "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
            type: 'invalid_request_error',
            param: 'max_tokens',
            code: 'unsupported_parameter',
          },
        });
      if (b.stop != null && NO_STOP_MODEL.test(served))
        return json(400, {
          error: {
            message: "Unsupported parameter: 'stop' is not supported with this model.",
            type: 'invalid_request_error',
            param: 'stop',
            code: 'unsupported_parameter',
          },
        });
      // And which refuse the penalties (o1, o3, o4-mini: "Unsupported parameter").
      for (const param of ['presence_penalty', 'frequency_penalty'])
        if (b[param] !== undefined && /^o\d/.test(served))
          return json(400, {
            error: {
              message: `Unsupported parameter: '${param}' is not supported with this model.`,
              type: 'invalid_request_error',
              param,
              code: 'unsupported_parameter',
            },
          });
      // And which take only the default temperature (1), unless asked for no reasoning (GPT-5.1 on); GPT-5's chat
      // model (gpt-5-chat-latest) is not a reasoning model and takes it.
      const reasoner = /^(o\d|gpt-5)/.test(served) && !/^gpt-5-chat/.test(served);
      if (
        typeof b.temperature === 'number' &&
        b.temperature !== 1 &&
        b.reasoning_effort !== 'none' &&
        reasoner
      )
        return json(400, {
          error: {
            message: `Unsupported value: 'temperature' does not support ${b.temperature} with this model. Only the default (1) value is supported.`,
            type: 'invalid_request_error',
            param: 'temperature',
            code: 'unsupported_value',
          },
        });
      // A cap smaller than the reasoning: all of it spent reasoning, no text (finish_reason `length`).
      const cap = b.max_completion_tokens;
      if (typeof cap === 'number' && cap < MOCK_REASONING_TOKENS && reasoner) {
        const cut: Ctx = { ...ctx, pieces: [], tool: null, finish: 'length' };
        return b.stream ? stream(cut, openaiEvents(cut)) : json(200, openaiResponse(cut));
      }
      return b.stream ? stream(ctx, openaiEvents(ctx)) : json(200, openaiResponse(ctx));
    }
    // Like OpenAI: a reasoning item sent back without its encrypted content is looked up by its id, and only an id
    // OpenAI issues (`rs_` and hex digits) can be found.
    const lost =
      path.endsWith('/responses') && Array.isArray(b.input)
        ? (b.input as Obj[]).find(
            (it) =>
              it &&
              it.type === 'reasoning' &&
              typeof it.encrypted_content !== 'string' &&
              !/^rs_[0-9a-f]+$/.test(String(it.id)),
          )
        : undefined;
    if (lost)
      return json(404, {
        error: {
          message: `Item with id '${String(lost.id)}' not found.`,
          type: 'invalid_request_error',
          param: 'input',
          code: null,
        },
      });
    if (path.endsWith('/responses'))
      return b.stream ? stream(ctx, responsesEvents(ctx)) : json(200, responsesResponse(ctx));
    if (path.endsWith('/embeddings')) {
      const input = b.input;
      const n = Array.isArray(input) ? input.length : 1;
      const vector = [0.1, 0.2, 0.3];
      // Like OpenAI: base64 of little-endian float32 when asked (the official SDK asks by default).
      const embedding =
        b.encoding_format === 'base64'
          ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
          : vector;
      return json(200, {
        object: 'list',
        data: Array.from({ length: n }, (_, index) => ({ object: 'embedding', index, embedding })),
        model: b.model,
        usage: { prompt_tokens: 4, total_tokens: 4 },
      });
    }
    return json(404, { error: { message: `No route ${path}`, type: 'not_found' } });
  }

  async function stream(ctx: Ctx, events: string[]): Promise<void> {
    const { res, fault } = ctx;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...ctx.headers });
    res.flushHeaders();
    for (let i = 0; i < events.length; i++) {
      if (fault?.cutAfterChunks !== undefined && i >= fault.cutAfterChunks) {
        await sleep(5);
        res.socket?.destroy();
        return;
      }
      if (i > 0 && fault?.chunkDelayMs) await sleep(fault.chunkDelayMs);
      if (res.destroyed) return;
      res.write(events[i]);
      if (i === 0 && fault?.malformed) res.write('data: {this is not json\n\n');
      if (i === 0 && fault?.flood) {
        const delta = `data: ${JSON.stringify({ id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 0, model: 'flood', choices: [{ index: 0, delta: { content: 'x'.repeat(fault.flood.bytes) }, finish_reason: null }] })}\n\n`;
        for (let k = 0; k < fault.flood.events; k++) {
          if (res.destroyed) return;
          flooded++;
          if (!res.write(delta)) await drained(res);
        }
      }
    }
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    script(f) {
      faults.push(...(Array.isArray(f) ? f : [f]));
    },
    reset() {
      requests.length = 0;
      faults = [];
      flooded = 0;
    },
    get flooded() {
      return flooded;
    },
    serves,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  body: Obj;
  fault: Fault | null;
  pieces: string[];
  tool: string | null;
  headers: Record<string, string>;
  /** OpenAI chat: the finish reason instead of stop / tool_calls. */
  finish?: string;
}

const CREATED = 1_700_000_000;
const sse = (obj: unknown, event?: string) =>
  (event ? `event: ${event}\n` : '') + `data: ${JSON.stringify(obj)}\n\n`;
const model = (ctx: Ctx) => String(ctx.body.model ?? 'mock-model');

function openaiUsage() {
  return {
    prompt_tokens: MOCK_USAGE.prompt,
    completion_tokens: MOCK_USAGE.completion,
    total_tokens: MOCK_USAGE.prompt + MOCK_USAGE.completion,
    prompt_tokens_details: { cached_tokens: MOCK_USAGE.cached },
  };
}

function openaiResponse(ctx: Ctx) {
  const message: Obj = { role: 'assistant', content: ctx.tool ? null : ctx.pieces.join('') };
  if (ctx.fault?.reasoning) message.reasoning_content = ctx.fault.reasoning;
  if (ctx.tool)
    message.tool_calls = [
      { id: 'call_up1', type: 'function', function: { name: ctx.tool, arguments: '{"location":"Paris"}' } },
    ];
  return {
    id: 'chatcmpl-up1',
    object: 'chat.completion',
    created: CREATED,
    model: model(ctx),
    choices: [
      { index: 0, message, finish_reason: ctx.finish ?? (ctx.tool ? 'tool_calls' : 'stop'), logprobs: null },
    ],
    usage: openaiUsage(),
  };
}

function openaiEvents(ctx: Ctx): string[] {
  const base = { id: 'chatcmpl-up1', object: 'chat.completion.chunk', created: CREATED, model: model(ctx) };
  const wantsUsage = !!(ctx.body.stream_options as Obj | undefined)?.include_usage;
  const ch = (delta: Obj, finish: string | null = null) =>
    sse({
      ...base,
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...(wantsUsage ? { usage: null } : {}),
    });
  const out = [ch({ role: 'assistant', content: '' })];
  if (ctx.fault?.reasoning) out.push(ch({ reasoning_content: ctx.fault.reasoning }));
  if (ctx.tool) {
    out.push(
      ch({
        tool_calls: [
          { index: 0, id: 'call_up1', type: 'function', function: { name: ctx.tool, arguments: '' } },
        ],
      }),
    );
    out.push(ch({ tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] }));
    out.push(ch({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }));
  } else for (const p of ctx.pieces) out.push(ch({ content: p }));
  out.push(ch({}, ctx.finish ?? (ctx.tool ? 'tool_calls' : 'stop')));
  if (wantsUsage) out.push(sse({ ...base, choices: [], usage: openaiUsage() }));
  out.push('data: [DONE]\n\n');
  return out;
}

function anthropicResponse(ctx: Ctx) {
  const content: Obj[] = ctx.tool
    ? [{ type: 'tool_use', id: 'toolu_up1', name: ctx.tool, input: { location: 'Paris' } }]
    : [{ type: 'text', text: ctx.pieces.join('') }];
  if (ctx.fault?.reasoning)
    content.unshift({
      type: 'thinking',
      thinking: ctx.fault.reasoning,
      signature: mockThinkingSignature(ctx.fault.reasoning),
    });
  return {
    id: 'msg_up1',
    type: 'message',
    role: 'assistant',
    model: model(ctx),
    content,
    stop_reason: ctx.tool ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: MOCK_USAGE.prompt - MOCK_USAGE.cached,
      cache_read_input_tokens: MOCK_USAGE.cached,
      cache_creation_input_tokens: 0,
      output_tokens: MOCK_USAGE.completion,
    },
  };
}

function anthropicEvents(ctx: Ctx): string[] {
  const out = [
    sse(
      {
        type: 'message_start',
        message: {
          id: 'msg_up1',
          type: 'message',
          role: 'assistant',
          model: model(ctx),
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: MOCK_USAGE.prompt - MOCK_USAGE.cached,
            cache_read_input_tokens: MOCK_USAGE.cached,
            cache_creation_input_tokens: 0,
            output_tokens: 1,
          },
        },
      },
      'message_start',
    ),
    sse({ type: 'ping' }, 'ping'),
  ];
  // Reasoning first: a thinking block (its text, then its signature), the answer's block after it.
  const at = ctx.fault?.reasoning ? 1 : 0;
  if (ctx.fault?.reasoning)
    out.push(
      sse(
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        },
        'content_block_start',
      ),
      sse(
        {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'thinking_delta', thinking: ctx.fault.reasoning },
        },
        'content_block_delta',
      ),
      sse(
        {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'signature_delta', signature: mockThinkingSignature(ctx.fault.reasoning) },
        },
        'content_block_delta',
      ),
      sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
    );
  if (ctx.tool) {
    out.push(
      sse(
        {
          type: 'content_block_start',
          index: at,
          content_block: { type: 'tool_use', id: 'toolu_up1', name: ctx.tool, input: {} },
        },
        'content_block_start',
      ),
    );
    out.push(
      sse(
        {
          type: 'content_block_delta',
          index: at,
          delta: { type: 'input_json_delta', partial_json: '{"location":' },
        },
        'content_block_delta',
      ),
    );
    out.push(
      sse(
        {
          type: 'content_block_delta',
          index: at,
          delta: { type: 'input_json_delta', partial_json: '"Paris"}' },
        },
        'content_block_delta',
      ),
    );
  } else {
    out.push(
      sse(
        { type: 'content_block_start', index: at, content_block: { type: 'text', text: '' } },
        'content_block_start',
      ),
    );
    for (const p of ctx.pieces)
      out.push(
        sse(
          { type: 'content_block_delta', index: at, delta: { type: 'text_delta', text: p } },
          'content_block_delta',
        ),
      );
  }
  out.push(sse({ type: 'content_block_stop', index: at }, 'content_block_stop'));
  out.push(
    sse(
      {
        type: 'message_delta',
        delta: { stop_reason: ctx.tool ? 'tool_use' : 'end_turn', stop_sequence: null },
        usage: { output_tokens: MOCK_USAGE.completion },
      },
      'message_delta',
    ),
  );
  out.push(sse({ type: 'message_stop' }, 'message_stop'));
  return out;
}

function geminiUsage() {
  return {
    promptTokenCount: MOCK_USAGE.prompt,
    candidatesTokenCount: MOCK_USAGE.completion,
    totalTokenCount: MOCK_USAGE.prompt + MOCK_USAGE.completion,
    cachedContentTokenCount: MOCK_USAGE.cached,
  };
}

/**
 * Gemini's thought summary for a fault's reasoning: a part marked `thought`, given only when the request asked for
 * thoughts (`thinkingConfig.includeThoughts`), as Gemini does. Null: none.
 */
function geminiThought(ctx: Ctx): Obj | null {
  const config = (ctx.body.generationConfig as Obj | undefined)?.thinkingConfig as Obj | undefined;
  return ctx.fault?.reasoning && config?.includeThoughts === true
    ? { text: ctx.fault.reasoning, thought: true }
    : null;
}

function geminiResponse(ctx: Ctx) {
  const thought = geminiThought(ctx);
  const parts: Obj[] = ctx.tool
    ? [{ functionCall: { name: ctx.tool, args: { location: 'Paris' } } }]
    : [{ text: ctx.pieces.join('') }];
  if (thought) parts.unshift(thought);
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: geminiUsage(),
    modelVersion: 'gemini-2.0-flash',
    responseId: 'gem1',
  };
}

function geminiEvents(ctx: Ctx): string[] {
  if (ctx.tool) return [sse({ ...geminiResponse(ctx) })];
  const thought = geminiThought(ctx);
  const first = thought
    ? [
        sse({
          candidates: [{ content: { role: 'model', parts: [thought] }, index: 0 }],
          usageMetadata: { promptTokenCount: MOCK_USAGE.prompt },
          modelVersion: 'gemini-2.0-flash',
          responseId: 'gem1',
        }),
      ]
    : [];
  return first.concat(
    ctx.pieces.map((p, i) => {
      const last = i === ctx.pieces.length - 1;
      return sse({
        candidates: [
          {
            content: { role: 'model', parts: [{ text: p }] },
            index: 0,
            ...(last ? { finishReason: 'STOP' } : {}),
          },
        ],
        usageMetadata: last ? geminiUsage() : { promptTokenCount: MOCK_USAGE.prompt },
        modelVersion: 'gemini-2.0-flash',
        responseId: 'gem1',
      });
    }),
  );
}

/** What Converse refuses in a request body (its ValidationException message), or null. */
function converseInvalid(body: Obj, path: string): string | null {
  const thinking = (body.additionalModelRequestFields as Obj | undefined)?.thinking as Obj | undefined;
  if (thinking?.type === 'enabled' && ADAPTIVE_ONLY_CLAUDE.test(decodeURIComponent(path)))
    return ADAPTIVE_ONLY_REFUSAL;
  const msgs = Array.isArray(body.messages) ? (body.messages as Obj[]) : [];
  const toolBlocks = msgs.some(
    (m) => Array.isArray(m.content) && (m.content as Obj[]).some((c) => 'toolUse' in c || 'toolResult' in c),
  );
  if (toolBlocks && !body.toolConfig)
    return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
  // Claude on Converse checks its thinking as on Anthropic's API: a signature it made must sign the text, and with
  // thinking on a last assistant turn calling a tool must open with its reasoning.
  let last = -1;
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    if (m.role !== 'assistant' || !Array.isArray(m.content)) continue;
    last = i;
    for (const c of m.content as Obj[]) {
      const rt = (c.reasoningContent as Obj | undefined)?.reasoningText as Obj | undefined;
      if (rt && forgedMockSignature(rt.signature, rt.text))
        return 'The model returned the following errors: Invalid `signature` in `thinking` block';
    }
  }
  if ((thinking?.type === 'enabled' || thinking?.type === 'adaptive') && last >= 0) {
    const blocks = msgs[last]!.content as Obj[];
    if (blocks.some((c) => 'toolUse' in c) && !('reasoningContent' in (blocks[0] ?? {})))
      return `The model returned the following errors: messages.${last}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`tool_use\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block.`;
  }
  const tools = (body.toolConfig as Obj | undefined)?.tools;
  if (body.toolConfig && (!Array.isArray(tools) || tools.length === 0))
    return "1 validation error detected: Value at 'toolConfig.tools' failed to satisfy constraint: Member must have length greater than or equal to 1";
  return null;
}

/**
 * Converse's additionalModelResponseFields for a turn a stop sequence ended (a fault's stopReason `stop_sequence`):
 * Claude's `stop_sequence`, the request's last stop sequence, given only when the request asked for it
 * (`additionalModelResponseFieldPaths: ["/stop_sequence"]`), as Bedrock does.
 */
function converseStopFields(body: Obj, fault: Fault | null | undefined): Obj {
  const asked =
    Array.isArray(body.additionalModelResponseFieldPaths) &&
    (body.additionalModelResponseFieldPaths as unknown[]).includes('/stop_sequence');
  const seqs = (body.inferenceConfig as Obj | undefined)?.stopSequences;
  if (fault?.stopReason !== 'stop_sequence' || !asked || !Array.isArray(seqs) || !seqs.length) return {};
  return { additionalModelResponseFields: { stop_sequence: seqs[seqs.length - 1] } };
}

function converse(ctx: Ctx) {
  const content: Obj[] = ctx.tool
    ? [{ toolUse: { toolUseId: 'tooluse_up1', name: ctx.tool, input: { location: 'Paris' } } }]
    : [{ text: ctx.pieces.join('') }];
  if (ctx.fault?.reasoning)
    content.unshift({
      reasoningContent: {
        reasoningText: { text: ctx.fault.reasoning, signature: mockThinkingSignature(ctx.fault.reasoning) },
      },
    });
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: ctx.fault?.stopReason ?? (ctx.tool ? 'tool_use' : 'end_turn'),
    ...converseStopFields(ctx.body, ctx.fault),
    usage: {
      inputTokens: MOCK_USAGE.prompt,
      outputTokens: MOCK_USAGE.completion,
      totalTokens: MOCK_USAGE.prompt + MOCK_USAGE.completion,
    },
    metrics: { latencyMs: 1 },
  };
}

function responsesUsage() {
  return {
    input_tokens: MOCK_USAGE.prompt,
    input_tokens_details: { cached_tokens: MOCK_USAGE.cached },
    output_tokens: MOCK_USAGE.completion,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: MOCK_USAGE.prompt + MOCK_USAGE.completion,
  };
}

function responsesResponse(ctx: Ctx) {
  return {
    id: 'resp_up1',
    object: 'response',
    created_at: CREATED,
    status: 'completed',
    model: model(ctx),
    error: null,
    incomplete_details: null,
    output: [
      {
        type: 'message',
        id: 'msg_up1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: ctx.pieces.join(''), annotations: [] }],
      },
    ],
    usage: responsesUsage(),
  };
}

function responsesEvents(ctx: Ctx): string[] {
  const r = responsesResponse(ctx);
  let seq = 0;
  const ev = (type: string, o: Obj) => sse({ type, sequence_number: seq++, ...o }, type);
  const out = [
    ev('response.created', { response: { ...r, status: 'in_progress', output: [], usage: null } }),
  ];
  for (const p of ctx.pieces)
    out.push(
      ev('response.output_text.delta', { item_id: 'msg_up1', output_index: 0, content_index: 0, delta: p }),
    );
  out.push(ev('response.completed', { response: r }));
  return out;
}
