/**
 * The real Claude Code and Codex CLIs (pinned in package.json, vendor traffic disabled, offline) driven through the
 * built gateway to an in-repo fake upstream that plays a two-call tool loop, in both wire formats:
 *
 *   Claude Code -> /v1/messages  -> (a) an Anthropic upstream, (b) an OpenAI chat upstream (translated)
 *   Codex       -> /v1/responses -> (a) an OpenAI chat upstream without /responses (translated), (b) an Anthropic upstream
 *
 * The fake's first answer is two parallel tool calls reading two files; its second, once both results are back, a
 * marker derived from both in order. Each run checks the CLI's final answer holds that marker, the roles and tool
 * results the upstream saw, the forwarded anthropic-beta (Claude Code to Anthropic), that the gateway key never
 * reached the upstream, that the usage rows were written, that every call the CLI made to the gateway got a 2xx,
 * and that the CLI tried no traffic off this machine (an HTTP(S) proxy trap catches it). A last block plays the same
 * loop without a CLI, non-streamed, and count_tokens. E2E_AGENTS_DUMP=<dir> keeps what each CLI run saw.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markerFor, startFakeUpstream, type FakeUpstream, type RecordedRequest } from './fake-upstream.js';
import {
  BIN,
  baseEnv,
  proxyEnv,
  runCli,
  startGateway,
  startTap,
  startTrap,
  tempDir,
  type CliRun,
  type Gateway,
  type Tap,
  type Trap,
} from './harness.js';

type Obj = Record<string, unknown>;

const CLI_TIMEOUT_MS = 90_000;
const UPSTREAM_ANTHROPIC_KEY = 'sk-ant-fake-upstream-key-0001';
const UPSTREAM_OPENAI_KEY = 'sk-fake-upstream-openai-key-0002';

let gw: Gateway;
let up: FakeUpstream;
let trap: Trap;
let tap: Tap;
let work: string;
let secrets: string[];
let gatewayKey: string;
let keyId: string;

beforeAll(async () => {
  work = tempDir('switchyard-agents-work-');
  secrets = [0, 1].map(() => `SECRET-${randomBytes(6).toString('hex')}`);
  const files = ['secret.txt', 'second.txt'].map((f) => join(work, 'project', f));
  mkdirSync(join(work, 'project'), { recursive: true });
  files.forEach((f, i) => writeFileSync(f, `The secret value is ${secrets[i]}\n`));
  [gw, up, trap] = await Promise.all([startGateway(), startFakeUpstream(files), startTrap()]);
  tap = await startTap(gw.url);

  const caps = ['chat', 'tools', 'streaming'];
  const anthropic = await gw.admin<{ id: string }>('POST', '/llm/providers', {
    type: 'anthropic',
    name: 'Fake Anthropic',
    slug: 'fake-anthropic',
    baseUrl: up.url,
    apiKey: UPSTREAM_ANTHROPIC_KEY,
  });
  await gw.admin('POST', '/llm/models', {
    providerId: anthropic.id,
    modelId: 'claude-fake',
    displayName: 'Claude fake',
    priceInputPer1M: 3,
    priceOutputPer1M: 15,
    capabilities: caps,
    contextWindow: 200_000,
    maxOutputTokens: 32_000,
  });
  // An OpenAI chat upstream without a native /responses: Codex's requests are translated to chat completions.
  const openai = await gw.admin<{ id: string }>('POST', '/llm/providers', {
    type: 'openai',
    name: 'Fake OpenAI',
    slug: 'fake-openai',
    baseUrl: `${up.url}/v1`,
    apiKey: UPSTREAM_OPENAI_KEY,
    config: { responsesApi: false },
  });
  await gw.admin('POST', '/llm/models', {
    providerId: openai.id,
    modelId: 'gpt-fake',
    displayName: 'GPT fake',
    priceInputPer1M: 2,
    priceOutputPer1M: 8,
    capabilities: caps,
    contextWindow: 200_000,
    maxOutputTokens: 32_000,
  });
  const key = await gw.admin<{ key: string; id: string }>('POST', '/me/keys', { name: 'coding agents e2e' });
  gatewayKey = key.key;
  keyId = key.id;
}, 150_000);

afterAll(async () => {
  await Promise.allSettled([tap?.close(), gw?.stop(), up?.close(), trap?.close()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

function describeRun(run: CliRun, requests: RecordedRequest[]): string {
  // E2E_AGENTS_DUMP=<dir> keeps what each run saw (CLI output, its calls to the gateway, the upstream requests).
  const dump = process.env.E2E_AGENTS_DUMP;
  if (dump) {
    mkdirSync(dump, { recursive: true });
    const name = (expect.getState().currentTestName ?? 'run').replace(/[^A-Za-z0-9]+/g, '-').slice(0, 80);
    writeFileSync(
      join(dump, `${name}.json`),
      JSON.stringify(
        {
          run,
          gatewayCalls: tap.seen.map(({ body, ...c }) => ({ ...c, body: body ? JSON.parse(body) : null })),
          upstream: requests.map(({ raw: _raw, ...r }) => r),
          trap: trap.hits,
        },
        null,
        1,
      ),
    );
  }
  const reqs = requests.map((r) => `  ${r.method} ${r.url} -> ${r.answer}`).join('\n');
  const calls = tap.seen.map((c) => `  ${c.method} ${c.url} -> ${c.status}`).join('\n');
  return `exit ${run.code} signal ${run.signal} timedOut ${run.timedOut} in ${run.ms} ms\n--- stdout\n${run.stdout.slice(-4000)}\n--- stderr\n${run.stderr.slice(-4000)}\n--- CLI to gateway\n${calls}\n--- upstream requests\n${reqs}\n--- trap\n${trap.hits.join('\n')}\n--- gateway\n${gw.logs().slice(-3000)}`;
}

/** The gateway key appears nowhere in what the upstream received (headers or body). */
function expectNoGatewayKey(requests: RecordedRequest[]) {
  for (const r of requests) {
    expect(JSON.stringify(r.headers)).not.toContain(gatewayKey);
    expect(r.raw).not.toContain(gatewayKey);
  }
}

/** The loop's requests: the tool call, then the one carrying the tool result (answered with the final text). */
function loopRequests(requests: RecordedRequest[]) {
  const toolCall = requests.filter((r) => r.answer === 'tool-call');
  const final = requests.filter((r) => r.answer === 'final');
  return { toolCall, final };
}

async function usageRows(provider: string, endpoint: string, since: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const logs = await gw.admin<{
      data: {
        provider: string | null;
        endpoint: string;
        status: number;
        costUsd: number;
        key: { id: string } | null;
        createdAt: string;
        tokensIn: number;
        tokensOut: number;
      }[];
    }>('GET', `/llm/logs?provider=${provider}&limit=200`);
    const rows = logs.data.filter((r) => r.endpoint === endpoint && Date.parse(r.createdAt) >= since - 1000);
    if (rows.length >= 2 || Date.now() > deadline) {
      // One more look after a flush interval, so a straggler is counted too.
      await new Promise((r) => setTimeout(r, 300));
      const again = await gw.admin<typeof logs>('GET', `/llm/logs?provider=${provider}&limit=200`);
      return again.data.filter((r) => r.endpoint === endpoint && Date.parse(r.createdAt) >= since - 1000);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every call the CLI made to the gateway got a 2xx. */
function expectNoGatewayErrors(why: string) {
  expect(tap.seen.length, why).toBeGreaterThan(0);
  expect(
    tap.seen.filter((c) => c.status < 200 || c.status >= 300),
    why,
  ).toEqual([]);
}

/** An Anthropic conversation's content blocks, in order, each with the role of its message. */
function blocksOf(msgs: { role: string; content: unknown }[]): Obj[] {
  return msgs.flatMap((m) =>
    (Array.isArray(m.content) ? (m.content as Obj[]) : []).map((b): Obj => ({ role: m.role, ...b })),
  );
}

/**
 * Anthropic wire: the assistant's two tool_use blocks (in the order the fake made them: first file, second file),
 * then the user's two tool_result blocks after them, each under the id of the call that read its file. Anthropic
 * pairs results by id, so their order is the client's (Claude Code sends them as its tools finish).
 */
function expectAnthropicToolLoop(msgs: { role: string; content: unknown }[], why: string, toolName?: string) {
  const blocks = blocksOf(msgs);
  const uses = blocks.filter((b) => b.type === 'tool_use');
  const results = blocks.filter((b) => b.type === 'tool_result');
  expect(uses.length, why).toBe(2);
  expect(results.map((r) => r.tool_use_id).sort(), why).toEqual(uses.map((u) => u.id).sort());
  uses.forEach((u, i) => {
    expect(u, why).toMatchObject({ role: 'assistant', ...(toolName ? { name: toolName } : {}) });
    const r = results.find((x) => x.tool_use_id === u.id)!;
    expect(r, why).toMatchObject({ role: 'user' });
    expect(blocks.indexOf(u)).toBeLessThan(blocks.indexOf(r));
    expect(JSON.stringify(r.content), why).toContain(secrets[i]!);
  });
}

type ChatMessage = {
  role: string;
  content: unknown;
  tool_calls?: { id: string; function: { name: string } }[];
  tool_call_id?: string;
};

/**
 * OpenAI chat wire: one assistant message with two tool_calls, then two tool messages answering them in the calls'
 * order (chat templates behind OpenAI-compatible servers often pair them by position), each with its file's secret.
 */
function expectChatToolLoop(msgs: ChatMessage[], why: string, toolName?: string) {
  const callIdx = msgs.findIndex((m) => m.role === 'assistant' && m.tool_calls?.length);
  expect(callIdx, why).toBeGreaterThan(0);
  const calls = msgs[callIdx]!.tool_calls!;
  expect(calls.length, why).toBe(2);
  calls.forEach((call, i) => {
    if (toolName) expect(call.function.name).toBe(toolName);
    expect(msgs[callIdx + 1 + i], why).toMatchObject({ role: 'tool', tool_call_id: call.id });
    expect(JSON.stringify(msgs[callIdx + 1 + i]!.content), why).toContain(secrets[i]!);
  });
}

/** One usage row per model call the upstream answered, on the CLI's gateway key, with the upstream's tokens and a cost. */
function expectRows(rows: Awaited<ReturnType<typeof usageRows>>, requests: RecordedRequest[]) {
  const calls = requests.filter((r) => r.path === '/v1/messages' || r.path === '/v1/chat/completions');
  const why = JSON.stringify(rows);
  expect(rows.length, why).toBe(calls.length);
  for (const r of rows) {
    expect(r, why).toMatchObject({ status: 200, key: { id: keyId }, tokensIn: 42, tokensOut: 7 });
    expect(r.costUsd, why).toBeGreaterThan(0);
  }
}

// ---------------------------------------------------------------------------------------------------------------

const CLAUDE_BETA_RE = /claude-code-\d{8}/;

async function runClaude(model: string, auth: 'api-key' | 'auth-token'): Promise<CliRun> {
  const home = tempDir('switchyard-claude-home-');
  try {
    const env = baseEnv({
      HOME: home,
      ANTHROPIC_BASE_URL: tap.url,
      ...(auth === 'api-key' ? { ANTHROPIC_API_KEY: gatewayKey } : { ANTHROPIC_AUTH_TOKEN: gatewayKey }),
      ANTHROPIC_MODEL: model,
      ANTHROPIC_DEFAULT_OPUS_MODEL: model,
      ANTHROPIC_DEFAULT_SONNET_MODEL: model,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
      ANTHROPIC_SMALL_FAST_MODEL: model,
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
      DISABLE_BUG_COMMAND: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      ...proxyEnv(trap),
    });
    return await runCli(
      join(BIN, 'claude'),
      [
        '-p',
        'Read the files secret.txt and second.txt in the current directory with the Read tool and tell me the secret values they hold.',
        '--output-format',
        'json',
        '--max-turns',
        '4',
      ],
      { cwd: join(work, 'project'), env, timeoutMs: CLI_TIMEOUT_MS },
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Clears the recorders, runs one CLI and checks it finished in time and cleanly: the run, the text that explains a failure, and when it started. */
async function cliRun(start: () => Promise<CliRun>): Promise<{ run: CliRun; why: string; since: number }> {
  up.reset();
  trap.hits.splice(0);
  tap.seen.splice(0);
  const since = Date.now();
  const run = await start();
  const why = describeRun(run, up.requests);
  expect(run.timedOut, why).toBe(false);
  expect(run.code, why).toBe(0);
  return { run, why, since };
}

/** What every CLI run must leave behind: no gateway key upstream, a usage row per model call, nothing sent off the machine, no gateway error. */
async function expectCleanRun(provider: string, endpoint: string, since: number, why: string): Promise<void> {
  expectNoGatewayKey(up.requests);
  const rows = await usageRows(provider, endpoint, since);
  expect(rows.length, why).toBeGreaterThanOrEqual(2);
  expectRows(rows, up.requests);
  expect(trap.hits, why).toEqual([]);
  expectNoGatewayErrors(why);
}

describe('Claude Code through /v1/messages', () => {
  it('to an Anthropic upstream: the tool loop runs, anthropic-beta is forwarded, roles stay Anthropic, the gateway key stays home', async () => {
    const { run, why, since } = await cliRun(() => runClaude('fake-anthropic/claude-fake', 'api-key'));
    const result = JSON.parse(run.stdout) as { result: string; is_error: boolean };
    expect(result.is_error, why).toBe(false);
    expect(result.result, why).toContain(markerFor(secrets));

    const { toolCall, final } = loopRequests(up.requests);
    expect(toolCall.length, why).toBeGreaterThanOrEqual(1);
    expect(final.length, why).toBeGreaterThanOrEqual(1);
    const last = final.at(-1)!;
    expect(last.path).toBe('/v1/messages');
    expect(String(last.headers['anthropic-beta'] ?? ''), why).toMatch(CLAUDE_BETA_RE);
    expect(last.headers['anthropic-version']).toBe('2023-06-01');
    expect(last.headers['x-api-key']).toBe(UPSTREAM_ANTHROPIC_KEY);
    const body = last.body!;
    // The system prompt stays Anthropic's top-level system; messages alternate user/assistant, the tool_use answered
    // by a tool_result with its id.
    expect(body.system, why).toBeTruthy();
    const msgs = body.messages as { role: string; content: unknown }[];
    // Claude Code sends its environment notes as a system-role message inside messages: it stays one, in place.
    const roles = msgs.map((m) => m.role);
    expect(roles[0], why).toBe('user');
    expect(roles.filter((r) => !['user', 'assistant', 'system'].includes(r))).toEqual([]);
    const envNote = msgs.find((m) => JSON.stringify(m.content).includes('# Environment'));
    expect(envNote?.role, JSON.stringify(roles)).toBe('system');
    expectAnthropicToolLoop(msgs, why, 'Read');

    await expectCleanRun('fake-anthropic', 'messages', since, why);
  });

  it('to an OpenAI chat upstream (translated): the tool loop runs, system stays system, tool results follow their calls in order', async () => {
    const { run, why, since } = await cliRun(() => runClaude('fake-openai/gpt-fake', 'auth-token'));
    const result = JSON.parse(run.stdout) as { result: string; is_error: boolean };
    expect(result.is_error, why).toBe(false);
    expect(result.result, why).toContain(markerFor(secrets));

    const { toolCall, final } = loopRequests(up.requests);
    expect(toolCall.length, why).toBeGreaterThanOrEqual(1);
    const last = final.at(-1)!;
    expect(last.path).toBe('/v1/chat/completions');
    expect(last.headers.authorization).toBe(`Bearer ${UPSTREAM_OPENAI_KEY}`);
    expect(last.headers['anthropic-beta']).toBeUndefined();
    const msgs = last.body!.messages as ChatMessage[];
    // The top-level system prompt first; Claude Code's system-role environment note stays a system message.
    expect(msgs[0]!.role, why).toBe('system');
    expect(
      msgs
        .slice(1)
        .map((m) => m.role)
        .filter((r) => r !== 'system')
        .slice(0, 1),
    ).toEqual(['user']);
    const envNote = msgs.find((m) => JSON.stringify(m.content).includes('# Environment'));
    expect(envNote?.role, JSON.stringify(msgs.map((m) => m.role))).toBe('system');
    expectChatToolLoop(msgs, why, 'Read');

    await expectCleanRun('fake-openai', 'messages', since, why);
  });
});

// ---------------------------------------------------------------------------------------------------------------

async function runCodex(model: string): Promise<CliRun> {
  const home = tempDir('switchyard-codex-home-');
  const codexHome = join(home, '.codex');
  mkdirSync(codexHome);
  writeFileSync(
    join(codexHome, 'config.toml'),
    [
      `model = "${model}"`,
      'model_provider = "switchyard"',
      'approval_policy = "never"',
      'sandbox_mode = "read-only"',
      'check_for_update_on_startup = false',
      '',
      '[model_providers.switchyard]',
      'name = "Switchyard"',
      `base_url = "${tap.url}/v1"`,
      'env_key = "SWITCHYARD_API_KEY"',
      'wire_api = "responses"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
      '[analytics]',
      'enabled = false',
      '',
      // On by default: a curated-plugin sync from github.com (git and its API) and chatgpt.com at every start.
      '[features]',
      'plugins = false',
      'remote_plugin = false',
      'apps = false',
      '',
    ].join('\n'),
  );
  try {
    const env = baseEnv({
      HOME: home,
      CODEX_HOME: codexHome,
      SWITCHYARD_API_KEY: gatewayKey,
      ...proxyEnv(trap),
    });
    return await runCli(
      join(BIN, 'codex'),
      [
        'exec',
        '--skip-git-repo-check',
        'Print the secret values held in the files secret.txt and second.txt in the current directory.',
      ],
      { cwd: join(work, 'project'), env, timeoutMs: CLI_TIMEOUT_MS },
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * What Codex sent the gateway (its last /v1/responses body) against what the upstream got: its `namespace` tool
 * flattened into `<namespace>__<tool>` functions, the built-in `web_search` dropped and named in a response header.
 */
function expectCodexTools(upstreamToolNames: string[], why: string) {
  const calls = tap.seen.filter((c) => c.url.startsWith('/v1/responses'));
  const sent = JSON.parse(calls.at(-1)!.body) as {
    tools: { type: string; name?: string; tools?: { name: string }[] }[];
  };
  const ns = sent.tools.find((t) => t.type === 'namespace');
  expect(ns, why).toBeDefined();
  for (const inner of ns!.tools ?? []) expect(upstreamToolNames, why).toContain(`${ns!.name}__${inner.name}`);
  const builtIns = sent.tools
    .filter((t) => t.type !== 'function' && t.type !== 'namespace' && t.type !== 'custom')
    .map((t) => t.type);
  expect(
    upstreamToolNames.some((n) => builtIns.includes(n)),
    why,
  ).toBe(false);
  if (builtIns.length)
    expect(String(calls.at(-1)!.responseHeaders['x-switchyard-dropped-tools'] ?? ''), why).toContain(
      builtIns[0],
    );
  for (const t of sent.tools.filter((x) => x.type === 'function'))
    expect(upstreamToolNames, why).toContain(t.name);
}

/** Codex sends its instructions as developer messages: they reach the upstream as system text, not user text. */
const CODEX_DEVELOPER_MARK = 'You are a coding agent running in the Codex CLI';

describe('Codex through /v1/responses', () => {
  it('to an OpenAI chat upstream without /responses (translated): the shell loop runs, roles and tool results are right', async () => {
    const { run, why, since } = await cliRun(() => runCodex('fake-openai/gpt-fake'));
    expect(run.stdout, why).toContain(markerFor(secrets));

    const { toolCall, final } = loopRequests(up.requests);
    expect(toolCall.length, why).toBeGreaterThanOrEqual(1);
    const last = final.at(-1)!;
    expect(last.path).toBe('/v1/chat/completions');
    expect(last.headers.authorization).toBe(`Bearer ${UPSTREAM_OPENAI_KEY}`);
    const msgs = last.body!.messages as ChatMessage[];
    expect(msgs[0]!.role, why).toBe('system');
    expect(JSON.stringify(msgs[0]!.content)).toContain(CODEX_DEVELOPER_MARK);
    expect(new Set(msgs.map((m) => m.role))).toEqual(new Set(['system', 'user', 'assistant', 'tool']));
    expect(
      msgs
        .filter((m) => m.role !== 'system')
        .every((m) => !JSON.stringify(m.content).includes(CODEX_DEVELOPER_MARK)),
    ).toBe(true);
    expectCodexTools(
      (last.body!.tools as { function: { name: string } }[]).map((t) => t.function.name),
      why,
    );
    expectChatToolLoop(msgs, why);

    await expectCleanRun('fake-openai', 'responses', since, why);
  });

  it('to an Anthropic upstream: the shell loop runs, instructions become system, each tool_result answers its tool_use', async () => {
    const { run, why, since } = await cliRun(() => runCodex('fake-anthropic/claude-fake'));
    expect(run.stdout, why).toContain(markerFor(secrets));

    const { toolCall, final } = loopRequests(up.requests);
    expect(toolCall.length, why).toBeGreaterThanOrEqual(1);
    const last = final.at(-1)!;
    expect(last.path).toBe('/v1/messages');
    expect(last.headers['x-api-key']).toBe(UPSTREAM_ANTHROPIC_KEY);
    const body = last.body!;
    expect(JSON.stringify(body.system), why).toContain(CODEX_DEVELOPER_MARK);
    const msgs = body.messages as { role: string; content: unknown }[];
    expect(
      msgs.every((m) => m.role === 'user' || m.role === 'assistant'),
      why,
    ).toBe(true);
    expect(msgs.every((m) => !JSON.stringify(m.content).includes(CODEX_DEVELOPER_MARK))).toBe(true);
    expectCodexTools(
      (body.tools as { name: string }[]).map((t) => t.name),
      why,
    );
    expectAnthropicToolLoop(msgs, why);

    await expectCleanRun('fake-anthropic', 'responses', since, why);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('the same loop without a CLI: non-streamed answers and count_tokens', () => {
  // The CLIs always stream; this plays the fake's non-stream answers through the gateway, both upstream formats.
  const readTool = {
    name: 'Read',
    description: 'Read a file',
    input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] },
  };

  async function messages(body: Obj): Promise<Obj> {
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': gatewayKey,
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'claude-code-20250219',
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    return JSON.parse(text) as Obj;
  }

  it.each(['fake-anthropic/claude-fake', 'fake-openai/gpt-fake'])(
    '%s: two tool calls, then the marker',
    async (model) => {
      up.reset();
      const first = await messages({
        model,
        max_tokens: 100,
        tools: [readTool],
        messages: [{ role: 'user', content: 'read both' }],
      });
      expect(first.stop_reason).toBe('tool_use');
      const uses = (first.content as Obj[]).filter((b) => b.type === 'tool_use');
      expect(uses.map((u) => u.name)).toEqual(['Read', 'Read']);
      const contents = await Promise.all(
        uses.map((u) => readFile(String((u.input as Obj).file_path), 'utf8')),
      );
      const results = uses
        .map((u, i) => ({ type: 'tool_result', tool_use_id: u.id, content: contents[i] }))
        .reverse();
      const second = await messages({
        model,
        max_tokens: 100,
        tools: [readTool],
        messages: [
          { role: 'user', content: 'read both' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: results },
        ],
      });
      expect(second.stop_reason).toBe('end_turn');
      expect(JSON.stringify(second.content)).toContain(markerFor(secrets));
      expect(up.requests.map((r) => r.body?.stream ?? false)).toEqual([false, false]);
      expectNoGatewayKey(up.requests);
    },
  );

  it('count_tokens reaches the Anthropic upstream with the beta header, never the gateway key', async () => {
    up.reset();
    const res = await fetch(`${gw.url}/v1/messages/count_tokens?beta=true`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': gatewayKey,
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'claude-code-20250219',
      },
      body: JSON.stringify({
        model: 'fake-anthropic/claude-fake',
        tools: [readTool],
        messages: [{ role: 'user', content: 'how long is this?' }],
      }),
    });
    const body = (await res.json()) as { input_tokens: number };
    expect(res.status).toBe(200);
    expect(body.input_tokens).toBeGreaterThan(0);
    expect(up.requests.map((r) => [r.path, r.answer])).toEqual([
      ['/v1/messages/count_tokens', 'count_tokens'],
    ]);
    expect(up.requests[0]!.headers['anthropic-beta']).toBe('claude-code-20250219');
    expectNoGatewayKey(up.requests);
  });
});
