/**
 * An in-repo fake LLM upstream (node:http on 127.0.0.1, random port) for the coding-agent CLI tests.
 *
 * Speaks the Anthropic Messages API (`POST /v1/messages`, stream and not, `POST /v1/messages/count_tokens`,
 * `GET /v1/models`) and OpenAI chat completions (`POST /v1/chat/completions`, stream and not, `GET /v1/models`),
 * and plays a two-call tool loop:
 *
 * 1. a request that offers a tool this fake knows how to drive (Claude Code's `Read`, Codex's shell tool) and
 *    carries no tool result yet is answered with a call to that tool, reading the file `secretFile`;
 * 2. a request that carries the tool result is answered with a final text holding `markerFor(secret)`, a value
 *    only known to whoever read the file, so a marker in the CLI's output proves the loop really ran.
 *
 * Anything else (titles, quota probes, requests without tools) gets a short plain answer. Every request is
 * recorded (method, path, headers, raw and parsed body) before it is answered.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

type Obj = Record<string, unknown>;

export interface RecordedRequest {
  method: string;
  path: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: Obj | null;
  /** What the fake answered: 'tool-call', 'final' or 'plain' (or 'models', 'count_tokens', '404'). */
  answer: string;
}

export interface FakeUpstream {
  url: string;
  requests: RecordedRequest[];
  /** The absolute path the tool call reads (Claude Code's Read takes an absolute path; the shell runs `cat`). */
  secretFile: string;
  reset(): void;
  close(): Promise<void>;
}

/** The secret the test writes into the file: `SECRET-` and letters/digits. */
export const SECRET_RE = /SECRET-[A-Za-z0-9]+/;
/** The marker of the final answer: derived from the secret (reversed), so it cannot be guessed without the file. */
export const markerFor = (secret: string) => `MARKER-${secret.slice('SECRET-'.length).split('').reverse().join('')}`;

const USAGE = { input: 42, output: 7 };

interface ToolCall {
  name: string;
  input: Obj;
}

/** The text of an Anthropic tool_result / OpenAI tool message content (string or blocks). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((b) => (typeof b === 'string' ? b : textOf((b as Obj).text ?? (b as Obj).content ?? ''))).join('\n');
  return '';
}

/** Tool results present in the conversation, in order (both wire formats). */
function toolResults(body: Obj, format: 'anthropic' | 'openai'): string[] {
  const msgs = (body.messages ?? []) as Obj[];
  if (format === 'openai') return msgs.filter((m) => m.role === 'tool').map((m) => textOf(m.content));
  return msgs.flatMap((m) => (Array.isArray(m.content) ? (m.content as Obj[]) : [])).filter((b) => b.type === 'tool_result').map((b) => textOf(b.content));
}

interface ToolSpec {
  name: string;
  params: Obj;
}

function toolsOf(body: Obj, format: 'anthropic' | 'openai'): ToolSpec[] {
  const tools = (body.tools ?? []) as Obj[];
  return tools.map((t) => {
    const fn = (format === 'openai' ? t.function : t) as Obj | undefined;
    return { name: String(fn?.name ?? ''), params: ((format === 'openai' ? fn?.parameters : t.input_schema) ?? {}) as Obj };
  });
}

/** The call this fake makes to read `file`, with whichever tool the client offered; null when it offers none it knows. */
function chooseCall(tools: ToolSpec[], file: string): ToolCall | null {
  const byName = (n: string) => tools.find((t) => t.name === n || t.name.endsWith(`__${n}`));
  const read = byName('Read');
  if (read) return { name: read.name, input: { file_path: file } };
  // Codex's shell tools: `shell` (argv array), `shell_command` (a string), `exec_command` (`cmd`).
  for (const n of ['shell', 'shell_command', 'exec_command', 'local_shell']) {
    const t = byName(n);
    if (!t) continue;
    const props = (t.params.properties ?? {}) as Record<string, Obj>;
    if (props.cmd) return { name: t.name, input: { cmd: `cat ${file}` } };
    if (props.command?.type === 'array') return { name: t.name, input: { command: ['cat', file] } };
    return { name: t.name, input: { command: `cat ${file}` } };
  }
  return null;
}

type Plan = { kind: 'tool-call'; call: ToolCall } | { kind: 'final' | 'plain'; text: string };

function plan(body: Obj, format: 'anthropic' | 'openai', file: string): Plan {
  const results = toolResults(body, format);
  if (results.length > 0) {
    const m = SECRET_RE.exec(results.join('\n'));
    if (m) return { kind: 'final', text: `I read the file and ran the loop. ${markerFor(m[0])}` };
    return { kind: 'final', text: `LOOP-FAILED: the tool result holds no secret: ${results.join(' | ').slice(0, 400)}` };
  }
  const call = chooseCall(toolsOf(body, format), file);
  if (call) return { kind: 'tool-call', call };
  return { kind: 'plain', text: 'ok' };
}

let seq = 0;
const nextId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`;

function sse(res: ServerResponse, events: { event?: string; data: unknown }[]) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events) res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`);
  res.end();
}

function anthropicAnswer(res: ServerResponse, body: Obj, p: Plan) {
  const id = nextId('msg_fake_');
  const model = String(body.model ?? 'fake');
  const block = p.kind === 'tool-call' ? { type: 'tool_use', id: nextId('toolu_fake_'), name: p.call.name, input: p.call.input } : { type: 'text', text: p.text };
  const stop = p.kind === 'tool-call' ? 'tool_use' : 'end_turn';
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, type: 'message', role: 'assistant', model, content: [block], stop_reason: stop, stop_sequence: null, usage: { input_tokens: USAGE.input, output_tokens: USAGE.output } }));
    return;
  }
  const ev = (type: string, data: Obj) => ({ event: type, data: { type, ...data } });
  const startBlock = block.type === 'tool_use' ? { ...block, input: {} } : { type: 'text', text: '' };
  const delta = block.type === 'tool_use' ? { type: 'input_json_delta', partial_json: JSON.stringify(p.kind === 'tool-call' ? p.call.input : {}) } : { type: 'text_delta', text: (block as { text: string }).text };
  sse(res, [
    ev('message_start', { message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: USAGE.input, output_tokens: 1 } } }),
    ev('content_block_start', { index: 0, content_block: startBlock }),
    ev('content_block_delta', { index: 0, delta }),
    ev('content_block_stop', { index: 0 }),
    ev('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: USAGE.output } }),
    ev('message_stop', {}),
  ]);
}

function openaiAnswer(res: ServerResponse, body: Obj, p: Plan) {
  const id = nextId('chatcmpl-fake');
  const model = String(body.model ?? 'fake');
  const created = Math.floor(Date.now() / 1000);
  const usage = { prompt_tokens: USAGE.input, completion_tokens: USAGE.output, total_tokens: USAGE.input + USAGE.output };
  const call = p.kind === 'tool-call' ? { id: nextId('call_fake_'), type: 'function', function: { name: p.call.name, arguments: JSON.stringify(p.call.input) } } : null;
  const finish = call ? 'tool_calls' : 'stop';
  if (!body.stream) {
    const message = call ? { role: 'assistant', content: null, tool_calls: [call] } : { role: 'assistant', content: (p as { text: string }).text };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, object: 'chat.completion', created, model, choices: [{ index: 0, message, finish_reason: finish }], usage }));
    return;
  }
  const chunk = (delta: Obj, finishReason: string | null = null) => ({ data: { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finishReason }] } });
  const events = [chunk({ role: 'assistant', content: '' })];
  if (call) {
    events.push(chunk({ tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
    events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: call.function.arguments } }] }));
  } else {
    events.push(chunk({ content: (p as { text: string }).text }));
  }
  events.push(chunk({}, finish));
  const tail: { data: unknown }[] = [];
  if ((body.stream_options as Obj | undefined)?.include_usage) tail.push({ data: { id, object: 'chat.completion.chunk', created, model, choices: [], usage } });
  tail.push({ data: '[DONE]' });
  sse(res, [...events, ...tail]);
}

export async function startFakeUpstream(secretFile: string): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    const u = new URL(req.url ?? '/', 'http://x');
    let body: Obj | null = null;
    try {
      body = raw ? (JSON.parse(raw) as Obj) : null;
    } catch {
      body = null;
    }
    const rec: RecordedRequest = { method: req.method ?? 'GET', path: u.pathname, url: req.url ?? '/', headers: req.headers, raw, body, answer: '' };
    requests.push(rec);
    const json = (status: number, obj: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    const b = body ?? {};
    if (req.method === 'GET' && u.pathname.endsWith('/models')) {
      rec.answer = 'models';
      if (req.headers['anthropic-version']) return json(200, { data: [{ type: 'model', id: 'claude-fake', display_name: 'Claude fake', created_at: '2025-01-01T00:00:00Z' }], has_more: false, first_id: 'claude-fake', last_id: 'claude-fake' });
      return json(200, { object: 'list', data: [{ id: 'gpt-fake', object: 'model', owned_by: 'fake' }] });
    }
    if (req.method === 'POST' && u.pathname === '/v1/messages/count_tokens') {
      rec.answer = 'count_tokens';
      return json(200, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) });
    }
    if (req.method === 'POST' && u.pathname === '/v1/messages') {
      const p = plan(b, 'anthropic', secretFile);
      rec.answer = p.kind;
      return anthropicAnswer(res, b, p);
    }
    if (req.method === 'POST' && u.pathname === '/v1/chat/completions') {
      const p = plan(b, 'openai', secretFile);
      rec.answer = p.kind;
      return openaiAnswer(res, b, p);
    }
    rec.answer = '404';
    json(404, { error: { message: `The fake upstream has no route ${req.method} ${u.pathname}`, type: 'not_found_error' } });
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    secretFile,
    reset: () => void requests.splice(0),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
