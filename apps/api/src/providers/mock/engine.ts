/**
 * The built-in deterministic `mock` provider: no network. It answers in the
 * OpenAI chat wire format (JSON or SSE bytes), so the regular pipelines turn
 * it into any client format.
 *
 * Rules (checked against the last user message):
 * - `[[fail:<status>]]`  -> that upstream error (429 carries `retry-after: 1`)
 * - `[[fail:context]]`   -> 400 context_length_exceeded
 * - `[[fail:billing]]`   -> 429 insufficient_quota
 * - `[[fail:policy]]`    -> 400 content_filter
 * - `[[fail:model]]`     -> 404 model_not_found
 * - `[[fail:<what>@<model>]]` -> the same, but only when this model is called (so a fallback can succeed)
 * - `[[delay:<ms>]]`     -> wait before answering (abortable)
 * - tools given, tool_choice not "none", and the message mentions weather / a tool's
 *   name, or tool_choice forces a tool -> a tool call with deterministic arguments
 * - last message is a tool result -> "Mock answer from <model> using tool result: ..."
 * - otherwise -> "Mock answer from <model> to: <first 40 chars of the last user message>"
 */
import { createHash } from 'node:crypto';
import type { LocalResponse } from '../types.js';
import { sseJson, SSE_DONE } from '../../translate/sse.js';
import { countText, estimateChatTokens, estimateEmbeddingTokens } from '../../translate/tokens.js';
import type {
  OaChatRequest,
  OaChatResponse,
  OaChunk,
  OaMessage,
  OaToolCall,
} from '../../translate/wire-types.js';

export const MOCK_MODELS = [
  { id: 'mock-small', displayName: 'Mock Small', contextWindow: 16_384, maxOutputTokens: 4096 },
  { id: 'mock-large', displayName: 'Mock Large', contextWindow: 200_000, maxOutputTokens: 8192 },
  { id: 'mock-embed', displayName: 'Mock Embeddings', contextWindow: 8192, maxOutputTokens: 0 },
];

function textOf(m: OaMessage | undefined): string {
  if (!m || m.content == null) return '';
  if (typeof m.content === 'string') return m.content;
  return m.content
    .map((p) => (p.type === 'text' ? String((p as { text: unknown }).text ?? '') : ''))
    .join(' ');
}

function hashHex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): LocalResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(body)),
  };
}

function errorBody(message: string, type: string, code: string | null) {
  return { error: { message, type, code, param: null } };
}

/** The fault a message asks for, if any. */
export function mockFault(text: string, model?: string): LocalResponse | null {
  const m = /\[\[fail:(\w+)(?:@([\w.:-]+))?\]\]/.exec(text);
  if (!m) return null;
  if (m[2] && m[2] !== model) return null;
  const what = m[1]!;
  switch (what) {
    case 'context':
      return json(
        400,
        errorBody(
          "This model's maximum context length is 16384 tokens. Please reduce the length of the messages.",
          'invalid_request_error',
          'context_length_exceeded',
        ),
      );
    case 'billing':
      return json(
        429,
        errorBody(
          'You exceeded your current quota, please check your plan and billing details.',
          'insufficient_quota',
          'insufficient_quota',
        ),
      );
    case 'policy':
      return json(
        400,
        errorBody(
          'The response was filtered due to the prompt triggering content management policy.',
          'invalid_request_error',
          'content_filter',
        ),
      );
    case 'model':
      return json(
        404,
        errorBody(
          'The model does not exist or you do not have access to it.',
          'invalid_request_error',
          'model_not_found',
        ),
      );
    default: {
      const status = Number(what);
      if (!Number.isInteger(status) || status < 400 || status > 599) return null;
      const headers: Record<string, string> = status === 429 ? { 'retry-after': '1' } : {};
      const type =
        status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
      return json(
        status,
        errorBody(`Mock upstream error ${status}.`, type, status === 429 ? 'rate_limit_exceeded' : null),
        headers,
      );
    }
  }
}

function delayOf(text: string): number {
  const m = /\[\[delay:(\d+)\]\]/.exec(text);
  return m ? Math.min(Number(m[1]), 120_000) : 0;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason ?? new Error('aborted'));
      },
      { once: true },
    );
  });
}

/** Deterministic chat completion for a request. */
export function mockChatCompletion(req: OaChatRequest, created: number): OaChatResponse {
  const model = req.model;
  const msgs = req.messages ?? [];
  const last = msgs[msgs.length - 1];
  const lastUser = [...msgs].reverse().find((m) => m.role === 'user');
  const userText = textOf(lastUser);
  const id = `chatcmpl-mock${hashHex(model + JSON.stringify(msgs)).slice(0, 20)}`;
  let content: string | null = null;
  let toolCalls: OaToolCall[] | undefined;
  // Function tools only (a custom tool has no \`function\`; the mock does not call those).
  const tools = (req.tools ?? []).filter((t) => t.function);
  const tc = req.tool_choice;
  const forced = tc === 'required' || (typeof tc === 'object' && tc !== null);
  if (last?.role === 'tool') {
    content = `Mock answer from ${model} using tool result: ${textOf(last).slice(0, 40)}`;
  } else if (
    tools.length &&
    tc !== 'none' &&
    (forced ||
      /weather|forecast|temperature/i.test(userText) ||
      tools.some((t) => userText.includes(t.function.name)))
  ) {
    const named = typeof tc === 'object' && tc ? tc.function?.name : undefined;
    const tool =
      tools.find((t) => t.function.name === named) ??
      tools.find((t) => userText.includes(t.function.name)) ??
      tools[0]!;
    const loc = /\bin ([A-Z][\w-]*(?: [A-Z][\w-]*)*)/.exec(userText)?.[1] ?? 'Paris';
    const props = Object.keys(
      ((tool.function.parameters ?? {}) as { properties?: Record<string, unknown> }).properties ?? {},
    );
    const args: Record<string, string> = {};
    if (props.length === 0) args.location = loc;
    for (const p of props) args[p] = /loc|city|place/i.test(p) ? loc : /unit/i.test(p) ? 'celsius' : 'mock';
    toolCalls = [
      {
        id: `call_mock${hashHex(id + tool.function.name).slice(0, 16)}`,
        type: 'function',
        function: { name: tool.function.name, arguments: JSON.stringify(args) },
      },
    ];
  } else {
    const clean = userText.replace(/\[\[\w+:\w+\]\]/g, '').trim();
    content = `Mock answer from ${model} to: ${clean.slice(0, 40)}`;
  }
  const max = req.max_completion_tokens ?? req.max_tokens;
  let finish: OaChatResponse['choices'][number]['finish_reason'] = toolCalls ? 'tool_calls' : 'stop';
  let completion = content ? countText(content) : countText(JSON.stringify(toolCalls));
  if (content && typeof max === 'number' && max > 0 && completion > max) {
    content = content.split(' ').slice(0, max).join(' ');
    completion = countText(content);
    finish = 'length';
  }
  const prompt = estimateChatTokens(req);
  const message: OaChatResponse['choices'][number]['message'] = { role: 'assistant', content };
  if (toolCalls) message.tool_calls = toolCalls;
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: 0 },
    },
    system_fingerprint: 'fp_mock',
  };
}

/** Chunks a streaming upstream would send for the completion (words as deltas, usage last). */
export function mockChunks(res: OaChatResponse): OaChunk[] {
  const base = {
    id: res.id,
    object: 'chat.completion.chunk' as const,
    created: res.created,
    model: res.model,
  };
  const choice = res.choices[0]!;
  const out: OaChunk[] = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
  ];
  const text = choice.message.content ?? '';
  const words = text.match(/\S+\s*/g) ?? [];
  for (const w of words)
    out.push({ ...base, choices: [{ index: 0, delta: { content: w }, finish_reason: null }] });
  (choice.message.tool_calls ?? []).forEach((tc, i) => {
    out.push({
      ...base,
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: i, id: tc.id, type: 'function', function: { name: tc.function.name, arguments: '' } },
            ],
          },
          finish_reason: null,
        },
      ],
    });
    const a = tc.function.arguments;
    const mid = Math.ceil(a.length / 2);
    for (const piece of [a.slice(0, mid), a.slice(mid)]) {
      if (piece)
        out.push({
          ...base,
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: i, function: { arguments: piece } }] },
              finish_reason: null,
            },
          ],
        });
    }
  });
  out.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: choice.finish_reason }] });
  out.push({ ...base, choices: [], usage: res.usage ?? null });
  return out;
}

async function* sseBytes(chunks: OaChunk[], signal?: AbortSignal): AsyncIterable<Buffer> {
  for (const c of chunks) {
    if (signal?.aborted) return;
    yield Buffer.from(sseJson(c));
    await new Promise((r) => setImmediate(r));
  }
  yield Buffer.from(SSE_DONE);
}

/** Run a chat request through the mock; returns an OpenAI-format HTTP-like response. */
export async function runMockChat(
  req: OaChatRequest,
  stream: boolean,
  created: number,
  signal?: AbortSignal,
): Promise<LocalResponse> {
  const msgs = req.messages ?? [];
  const lastUser = textOf([...msgs].reverse().find((m) => m.role === 'user'));
  const delay = delayOf(lastUser);
  if (delay) await sleep(delay, signal);
  const fault = mockFault(lastUser, req.model);
  if (fault) return fault;
  const res = mockChatCompletion(req, created);
  if (!stream) return json(200, res);
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    body: sseBytes(mockChunks(res), signal),
  };
}

/** Deterministic unit-length embedding derived from SHA-256 of the input. */
export function mockEmbedding(text: string, dims = 16): number[] {
  const v: number[] = [];
  let h = hashHex(text);
  while (v.length < dims) {
    for (let i = 0; i + 4 <= h.length && v.length < dims; i += 4)
      v.push(parseInt(h.slice(i, i + 4), 16) / 0xffff - 0.5);
    h = hashHex(h);
  }
  const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0)) || 1;
  return v.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}

export function runMockEmbeddings(body: Record<string, unknown>, model: string): LocalResponse {
  const input = body.input;
  const texts =
    typeof input === 'string'
      ? [input]
      : Array.isArray(input)
        ? input.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))
        : [];
  const fault = mockFault(texts.join(' '), model);
  if (fault) return fault;
  const dims =
    typeof body.dimensions === 'number' && body.dimensions > 0 && body.dimensions <= 4096
      ? body.dimensions
      : 16;
  const tokens = estimateEmbeddingTokens(input);
  return json(200, {
    object: 'list',
    data: texts.map((t, index) => ({ object: 'embedding', index, embedding: mockEmbedding(t, dims) })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}
