/**
 * An in-repo fake LLM upstream (node:http on 127.0.0.1, random port) for the coding-agent CLI tests.
 *
 * Speaks the Anthropic Messages API (`POST /v1/messages`, stream and not, `POST /v1/messages/count_tokens`,
 * `GET /v1/models`) and OpenAI chat completions (`POST /v1/chat/completions`, stream and not, `GET /v1/models`),
 * and plays a two-call tool loop:
 *
 * 1. a request that offers a tool this fake knows how to drive (Claude Code's `Read`, Codex's shell tool) and
 *    carries no tool result yet is answered with two parallel calls to that tool, reading `files[0]` and `files[1]`;
 * 2. a request that carries the tool results is answered with a final text holding `markerFor(secrets)`: each
 *    result is paired with its call by id, and the secrets are put in the order of the files the calls read — so
 *    a marker in the CLI's output proves the loop really ran and every result came back under its own call's id.
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
  /** The absolute paths the tool calls read (Claude Code's Read takes an absolute path; the shell runs `cat`). */
  files: string[];
  reset(): void;
  close(): Promise<void>;
}

/** The secrets the test writes into the files: `SECRET-` and letters/digits. */
export const SECRET_RE = /SECRET-[A-Za-z0-9]+/;
/**
 * The marker of the final answer: each file's secret reversed, joined in the order of the files, so it cannot be
 * guessed without reading the files and comes out wrong if a result is filed under another call's id.
 */
export const markerFor = (secrets: string[]) =>
  `MARKER-${secrets.map((s) => s.slice('SECRET-'.length).split('').reverse().join('')).join('-')}`;

const USAGE = { input: 42, output: 7 };

interface ToolCall {
  name: string;
  input: Obj;
}

/** The text of an Anthropic tool_result / OpenAI tool message content (string or blocks). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((b) => (typeof b === 'string' ? b : textOf((b as Obj).text ?? (b as Obj).content ?? '')))
      .join('\n');
  return '';
}

/** Tool results in the conversation, each with the arguments of the call it answers (paired by id), both formats. */
function toolResults(body: Obj, format: 'anthropic' | 'openai'): { text: string; callArgs: string | null }[] {
  const msgs = (body.messages ?? []) as Obj[];
  const args = new Map<string, string>();
  if (format === 'openai') {
    for (const m of msgs)
      for (const c of (m.tool_calls ?? []) as Obj[])
        args.set(String(c.id), String((c.function as Obj | undefined)?.arguments ?? ''));
    return msgs
      .filter((m) => m.role === 'tool')
      .map((m) => ({ text: textOf(m.content), callArgs: args.get(String(m.tool_call_id)) ?? null }));
  }
  const blocks = msgs.flatMap((m) => (Array.isArray(m.content) ? (m.content as Obj[]) : []));
  for (const b of blocks) if (b.type === 'tool_use') args.set(String(b.id), JSON.stringify(b.input ?? {}));
  return blocks
    .filter((b) => b.type === 'tool_result')
    .map((b) => ({ text: textOf(b.content), callArgs: args.get(String(b.tool_use_id)) ?? null }));
}

interface ToolSpec {
  name: string;
  params: Obj;
}

function toolsOf(body: Obj, format: 'anthropic' | 'openai'): ToolSpec[] {
  const tools = (body.tools ?? []) as Obj[];
  return tools.map((t) => {
    const fn = (format === 'openai' ? t.function : t) as Obj | undefined;
    return {
      name: String(fn?.name ?? ''),
      params: ((format === 'openai' ? fn?.parameters : t.input_schema) ?? {}) as Obj,
    };
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

type Plan = { kind: 'tool-call'; calls: ToolCall[] } | { kind: 'final' | 'plain'; text: string };

function plan(body: Obj, format: 'anthropic' | 'openai', files: string[]): Plan {
  const results = toolResults(body, format);
  if (results.length > 0) {
    // The secret of each file, from the result whose call read that file.
    const secrets = files.map((f) => {
      const r = results.find((x) => x.callArgs?.includes(f));
      return r ? SECRET_RE.exec(r.text)?.[0] : undefined;
    });
    if (results.length === files.length && secrets.every(Boolean))
      return { kind: 'final', text: `I read both files and ran the loop. ${markerFor(secrets as string[])}` };
    return {
      kind: 'final',
      text: `LOOP-FAILED: expected ${files.length} tool results, each under its call's id: ${JSON.stringify(results).slice(0, 800)}`,
    };
  }
  const tools = toolsOf(body, format);
  const calls = files.map((f) => chooseCall(tools, f));
  if (calls.every(Boolean)) return { kind: 'tool-call', calls: calls as ToolCall[] };
  return { kind: 'plain', text: 'ok' };
}

let seq = 0;
const nextId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`;

function sse(res: ServerResponse, events: { event?: string; data: unknown }[]) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events)
    res.write(
      `${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`,
    );
  res.end();
}

function anthropicAnswer(res: ServerResponse, body: Obj, p: Plan) {
  const id = nextId('msg_fake_');
  const model = String(body.model ?? 'fake');
  const blocks: Obj[] =
    p.kind === 'tool-call'
      ? p.calls.map((c) => ({ type: 'tool_use', id: nextId('toolu_fake_'), name: c.name, input: c.input }))
      : [{ type: 'text', text: p.text }];
  const stop = p.kind === 'tool-call' ? 'tool_use' : 'end_turn';
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: blocks,
        stop_reason: stop,
        stop_sequence: null,
        usage: { input_tokens: USAGE.input, output_tokens: USAGE.output },
      }),
    );
    return;
  }
  const ev = (type: string, data: Obj) => ({ event: type, data: { type, ...data } });
  const events = [
    ev('message_start', {
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: USAGE.input, output_tokens: 1 },
      },
    }),
  ];
  blocks.forEach((block, index) => {
    if (block.type === 'tool_use') {
      events.push(ev('content_block_start', { index, content_block: { ...block, input: {} } }));
      // The arguments in two pieces, as a real stream splits them.
      const json = JSON.stringify(block.input);
      const cut = Math.floor(json.length / 2);
      events.push(
        ev('content_block_delta', {
          index,
          delta: { type: 'input_json_delta', partial_json: json.slice(0, cut) },
        }),
      );
      events.push(
        ev('content_block_delta', {
          index,
          delta: { type: 'input_json_delta', partial_json: json.slice(cut) },
        }),
      );
    } else {
      events.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      events.push(
        ev('content_block_delta', { index, delta: { type: 'text_delta', text: String(block.text) } }),
      );
    }
    events.push(ev('content_block_stop', { index }));
  });
  events.push(
    ev('message_delta', {
      delta: { stop_reason: stop, stop_sequence: null },
      usage: { output_tokens: USAGE.output },
    }),
  );
  events.push(ev('message_stop', {}));
  sse(res, events);
}

function openaiAnswer(res: ServerResponse, body: Obj, p: Plan) {
  const id = nextId('chatcmpl-fake');
  const model = String(body.model ?? 'fake');
  const created = Math.floor(Date.now() / 1000);
  const usage = {
    prompt_tokens: USAGE.input,
    completion_tokens: USAGE.output,
    total_tokens: USAGE.input + USAGE.output,
  };
  const calls =
    p.kind === 'tool-call'
      ? p.calls.map((c) => ({
          id: nextId('call_fake_'),
          type: 'function',
          function: { name: c.name, arguments: JSON.stringify(c.input) },
        }))
      : [];
  const finish = calls.length ? 'tool_calls' : 'stop';
  const text = p.kind === 'tool-call' ? '' : p.text;
  if (!body.stream) {
    const message = calls.length
      ? { role: 'assistant', content: null, tool_calls: calls }
      : { role: 'assistant', content: text };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, finish_reason: finish }],
        usage,
      }),
    );
    return;
  }
  const chunk = (delta: Obj, finishReason: string | null = null) => ({
    data: {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    },
  });
  const events = [chunk({ role: 'assistant', content: '' })];
  calls.forEach((call, index) => {
    // The name first, then the arguments in two pieces, as a real stream splits them.
    const args = call.function.arguments;
    const cut = Math.floor(args.length / 2);
    events.push(
      chunk({
        tool_calls: [
          { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
        ],
      }),
    );
    events.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, cut) } }] }));
    events.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(cut) } }] }));
  });
  if (!calls.length) events.push(chunk({ content: text }));
  events.push(chunk({}, finish));
  const tail: { data: unknown }[] = [];
  if ((body.stream_options as Obj | undefined)?.include_usage)
    tail.push({ data: { id, object: 'chat.completion.chunk', created, model, choices: [], usage } });
  tail.push({ data: '[DONE]' });
  sse(res, [...events, ...tail]);
}

export async function startFakeUpstream(files: string[]): Promise<FakeUpstream> {
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
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: u.pathname,
      url: req.url ?? '/',
      headers: req.headers,
      raw,
      body,
      answer: '',
    };
    requests.push(rec);
    const json = (status: number, obj: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    const b = body ?? {};
    if (req.method === 'GET' && u.pathname.endsWith('/models')) {
      rec.answer = 'models';
      if (req.headers['anthropic-version'])
        return json(200, {
          data: [
            {
              type: 'model',
              id: 'claude-fake',
              display_name: 'Claude fake',
              created_at: '2025-01-01T00:00:00Z',
            },
          ],
          has_more: false,
          first_id: 'claude-fake',
          last_id: 'claude-fake',
        });
      return json(200, { object: 'list', data: [{ id: 'gpt-fake', object: 'model', owned_by: 'fake' }] });
    }
    if (req.method === 'POST' && u.pathname === '/v1/messages/count_tokens') {
      rec.answer = 'count_tokens';
      return json(200, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) });
    }
    if (req.method === 'POST' && u.pathname === '/v1/messages') {
      const p = plan(b, 'anthropic', files);
      rec.answer = p.kind;
      return anthropicAnswer(res, b, p);
    }
    if (req.method === 'POST' && u.pathname === '/v1/chat/completions') {
      const p = plan(b, 'openai', files);
      rec.answer = p.kind;
      return openaiAnswer(res, b, p);
    }
    rec.answer = '404';
    json(404, {
      error: {
        message: `The fake upstream has no route ${req.method} ${u.pathname}`,
        type: 'not_found_error',
      },
    });
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    files,
    reset: () => void requests.splice(0),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
