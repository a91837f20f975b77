import { z } from 'zod';

/**
 * "Connect a tool": how each coding agent, SDK or curl talks to this gateway. One source for the dashboard page (with
 * the chosen key and model filled in) and the Markdown guide at GET /api/v1/guide (placeholders, written so an AI agent
 * can follow it). Pure: the base URL, key and model are passed in.
 */

/**
 * How a generated JavaScript snippet reads a variable from its own environment (Node's env object), spelled out
 * for the reader of the snippet. Core itself reads no environment: this is text for the page and the guide.
 */
function envRead(name: string): string {
  return ['process', 'env', name].join('.');
}

export const GUIDE_TOOL_IDS = [
  'claude-code',
  'codex',
  'opencode',
  'cursor',
  'continue',
  'ai-sdk',
  'openai-sdk',
  'anthropic-sdk',
  'curl',
] as const;
export type GuideToolId = (typeof GUIDE_TOOL_IDS)[number];

export interface GuideTool {
  id: GuideToolId;
  label: string;
  /** The wire format the tool speaks to the gateway. */
  format: 'anthropic' | 'openai-chat' | 'openai-responses' | 'openai-chat or anthropic';
  /** The client tool the logs record for it (`?tool=` filter), when it names itself. */
  logsTool: string | null;
  summary: string;
}

export const GUIDE_TOOLS: readonly GuideTool[] = [
  {
    id: 'claude-code',
    label: 'Claude Code',
    format: 'anthropic',
    logsTool: 'claude-code',
    summary:
      'Anthropic Messages (`/v1/messages`), configured by environment variables or `~/.claude/settings.json`.',
  },
  {
    id: 'codex',
    label: 'Codex',
    format: 'openai-responses',
    logsTool: 'codex',
    summary:
      'OpenAI Responses (`/v1/responses`), configured in `$CODEX_HOME/config.toml` (default `~/.codex/config.toml`). Codex 0.17x refuses `wire_api = "chat"`.',
  },
  {
    id: 'opencode',
    label: 'OpenCode',
    format: 'openai-chat or anthropic',
    logsTool: 'opencode',
    summary:
      'A provider in `opencode.json` through the AI SDK (`@ai-sdk/openai-compatible`, or `@ai-sdk/anthropic`).',
  },
  {
    id: 'cursor',
    label: 'Cursor',
    format: 'openai-chat',
    logsTool: 'cursor',
    summary:
      'Settings → Models: override the OpenAI base URL and key. Cursor sends these requests from its own servers, so the gateway must be reachable from the internet.',
  },
  {
    id: 'continue',
    label: 'Continue',
    format: 'openai-chat',
    logsTool: 'continue',
    summary: 'A model in `~/.continue/config.yaml` with `provider: openai` and `apiBase`.',
  },
  {
    id: 'ai-sdk',
    label: 'Vercel AI SDK',
    format: 'openai-chat or anthropic',
    logsTool: 'ai-sdk',
    summary: '`@ai-sdk/openai` (chat) or `@ai-sdk/anthropic` with this gateway as `baseURL`.',
  },
  {
    id: 'openai-sdk',
    label: 'OpenAI SDK',
    format: 'openai-chat',
    logsTool: 'openai-js',
    summary: 'The official OpenAI SDKs (JS, Python): `baseURL` / `base_url` is the gateway with `/v1`.',
  },
  {
    id: 'anthropic-sdk',
    label: 'Anthropic SDK',
    format: 'anthropic',
    logsTool: 'anthropic-js',
    summary:
      'The official Anthropic SDKs (JS, Python): `baseURL` / `base_url` is the gateway root (no `/v1`).',
  },
  {
    id: 'curl',
    label: 'curl',
    format: 'openai-chat or anthropic',
    logsTool: 'curl',
    summary: 'Plain HTTP: either format, `Authorization: Bearer` or `x-api-key`.',
  },
];

export interface GuideSnippet {
  title: string;
  language: 'bash' | 'toml' | 'json' | 'yaml' | 'ts' | 'python' | 'text';
  /** Where it goes, when it is a file. */
  path?: string;
  code: string;
}

export interface GuideValues {
  /** The gateway as its clients reach it, e.g. `https://llm.example.com` (no trailing slash, no `/v1`). */
  baseUrl: string;
  /** The gateway key, or a placeholder such as `<SWITCHYARD_API_KEY>`. */
  key: string;
  /** What the tool sends as "model": an alias, a power level or `<provider>/<model>`. */
  model: string;
  /** A cheaper model for background work (Claude Code's Haiku slot, OpenCode's small model); defaults to `model`. */
  smallModel?: string;
}

export const GUIDE_PLACEHOLDERS = { key: '<SWITCHYARD_API_KEY>', model: '<MODEL>' } as const;

/** The base URL without trailing slashes or a trailing `/v1`. */
export function gatewayRoot(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1$/, '');
}

const q = (s: string) => JSON.stringify(s);
/** A value inside a single-quoted shell word. */
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The snippets that configure one tool, with the values filled in. */
export function toolSnippets(tool: GuideToolId, v: GuideValues): GuideSnippet[] {
  const root = gatewayRoot(v.baseUrl);
  const api = `${root}/v1`;
  const small = v.smallModel ?? v.model;
  switch (tool) {
    case 'claude-code':
      return [
        {
          title: 'Environment (then run `claude`)',
          language: 'bash',
          code: [
            `export ANTHROPIC_BASE_URL=${sh(root)}`,
            `export ANTHROPIC_AUTH_TOKEN=${sh(v.key)}`,
            `export ANTHROPIC_MODEL=${sh(v.model)}`,
            `export ANTHROPIC_DEFAULT_OPUS_MODEL=${sh(v.model)}`,
            `export ANTHROPIC_DEFAULT_SONNET_MODEL=${sh(v.model)}`,
            `export ANTHROPIC_DEFAULT_HAIKU_MODEL=${sh(small)}`,
            '# Optional: no traffic to Anthropic besides the gateway',
            'export DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 DISABLE_ERROR_REPORTING=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1',
            'claude',
          ].join('\n'),
        },
        {
          title: 'Or the same in Claude Code settings',
          language: 'json',
          path: '~/.claude/settings.json',
          code: JSON.stringify(
            {
              env: {
                ANTHROPIC_BASE_URL: root,
                ANTHROPIC_AUTH_TOKEN: v.key,
                ANTHROPIC_MODEL: v.model,
                ANTHROPIC_DEFAULT_OPUS_MODEL: v.model,
                ANTHROPIC_DEFAULT_SONNET_MODEL: v.model,
                ANTHROPIC_DEFAULT_HAIKU_MODEL: small,
                CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
              },
            },
            null,
            2,
          ),
        },
      ];
    case 'codex':
      return [
        {
          title: 'Codex configuration',
          language: 'toml',
          path: '~/.codex/config.toml',
          code: [
            `model = ${q(v.model)}`,
            'model_provider = "switchyard"',
            'check_for_update_on_startup = false',
            '',
            '[model_providers.switchyard]',
            'name = "Switchyard"',
            `base_url = ${q(api)}`,
            'env_key = "SWITCHYARD_API_KEY"',
            'wire_api = "responses"',
            '',
            '[analytics]',
            'enabled = false',
            '',
            '# Offline or air-gapped: without these Codex fetches plugins from github.com and chatgpt.com at start.',
            '[features]',
            'plugins = false',
            'remote_plugin = false',
            'apps = false',
          ].join('\n'),
        },
        {
          title: 'The key, then run Codex',
          language: 'bash',
          code: `export SWITCHYARD_API_KEY=${sh(v.key)}\ncodex`,
        },
      ];
    case 'opencode':
      return [
        {
          title: 'OpenCode configuration (OpenAI-compatible)',
          language: 'json',
          path: 'opencode.json (project) or ~/.config/opencode/opencode.json',
          code: JSON.stringify(
            {
              $schema: 'https://opencode.ai/config.json',
              provider: {
                switchyard: {
                  npm: '@ai-sdk/openai-compatible',
                  name: 'Switchyard',
                  options: { baseURL: api, apiKey: '{env:SWITCHYARD_API_KEY}' },
                  models: {
                    [v.model]: { name: v.model },
                    ...(small !== v.model ? { [small]: { name: small } } : {}),
                  },
                },
              },
              model: `switchyard/${v.model}`,
              small_model: `switchyard/${small}`,
            },
            null,
            2,
          ),
        },
        {
          title: 'The key, then run OpenCode',
          language: 'bash',
          code: `export SWITCHYARD_API_KEY=${sh(v.key)}\nopencode`,
        },
        {
          title: 'Anthropic format instead: the provider block',
          language: 'json',
          code: JSON.stringify(
            {
              npm: '@ai-sdk/anthropic',
              name: 'Switchyard',
              options: { baseURL: api, apiKey: '{env:SWITCHYARD_API_KEY}' },
              models: { [v.model]: { name: v.model } },
            },
            null,
            2,
          ),
        },
      ];
    case 'cursor':
      return [
        {
          title: 'Cursor → Settings → Models',
          language: 'text',
          code: [
            `OpenAI API Key:           ${v.key}`,
            `Override OpenAI Base URL: ${api}`,
            `Add model:                ${v.model}`,
          ].join('\n'),
        },
      ];
    case 'continue':
      return [
        {
          title: 'Continue configuration',
          language: 'yaml',
          path: '~/.continue/config.yaml',
          code: [
            'name: Switchyard',
            'version: 1.0.0',
            'schema: v1',
            'models:',
            `  - name: ${q(`Switchyard ${v.model}`)}`,
            '    provider: openai',
            `    model: ${q(v.model)}`,
            `    apiBase: ${q(api)}`,
            `    apiKey: ${q(v.key)}`,
            '    roles: [chat, edit, apply]',
          ].join('\n'),
        },
      ];
    case 'ai-sdk':
      return [
        {
          title: 'OpenAI provider (chat completions)',
          language: 'ts',
          code: [
            "import { createOpenAI } from '@ai-sdk/openai';",
            "import { generateText } from 'ai';",
            '',
            `const switchyard = createOpenAI({ baseURL: ${q(api)}, apiKey: ${envRead('SWITCHYARD_API_KEY')} });`,
            `const { text } = await generateText({ model: switchyard.chat(${q(v.model)}), prompt: 'Say hello' });`,
          ].join('\n'),
        },
        {
          title: 'Or the Anthropic provider',
          language: 'ts',
          code: [
            "import { createAnthropic } from '@ai-sdk/anthropic';",
            '',
            `const switchyard = createAnthropic({ baseURL: ${q(api)}, apiKey: ${envRead('SWITCHYARD_API_KEY')} });`,
          ].join('\n'),
        },
        { title: 'The key', language: 'bash', code: `export SWITCHYARD_API_KEY=${sh(v.key)}` },
      ];
    case 'openai-sdk':
      return [
        {
          title: 'Environment (both SDKs read it)',
          language: 'bash',
          code: `export OPENAI_BASE_URL=${sh(api)}\nexport OPENAI_API_KEY=${sh(v.key)}`,
        },
        {
          title: 'JavaScript / TypeScript',
          language: 'ts',
          code: [
            "import OpenAI from 'openai';",
            '',
            `const client = new OpenAI({ baseURL: ${q(api)}, apiKey: ${envRead('OPENAI_API_KEY')} });`,
            `const res = await client.chat.completions.create({ model: ${q(v.model)}, messages: [{ role: 'user', content: 'Say hello' }] });`,
          ].join('\n'),
        },
        {
          title: 'Python',
          language: 'python',
          code: [
            'import os',
            'from openai import OpenAI',
            '',
            `client = OpenAI(base_url=${q(api)}, api_key=os.environ["OPENAI_API_KEY"])`,
            `res = client.chat.completions.create(model=${q(v.model)}, messages=[{"role": "user", "content": "Say hello"}])`,
          ].join('\n'),
        },
      ];
    case 'anthropic-sdk':
      return [
        {
          title: 'Environment (both SDKs read it)',
          language: 'bash',
          code: `export ANTHROPIC_BASE_URL=${sh(root)}\nexport ANTHROPIC_API_KEY=${sh(v.key)}`,
        },
        {
          title: 'JavaScript / TypeScript',
          language: 'ts',
          code: [
            "import Anthropic from '@anthropic-ai/sdk';",
            '',
            `const client = new Anthropic({ baseURL: ${q(root)}, apiKey: ${envRead('ANTHROPIC_API_KEY')} });`,
            `const msg = await client.messages.create({ model: ${q(v.model)}, max_tokens: 256, messages: [{ role: 'user', content: 'Say hello' }] });`,
          ].join('\n'),
        },
        {
          title: 'Python',
          language: 'python',
          code: [
            'import os',
            'from anthropic import Anthropic',
            '',
            `client = Anthropic(base_url=${q(root)}, api_key=os.environ["ANTHROPIC_API_KEY"])`,
            `msg = client.messages.create(model=${q(v.model)}, max_tokens=256, messages=[{"role": "user", "content": "Say hello"}])`,
          ].join('\n'),
        },
      ];
    case 'curl':
      return [
        {
          title: 'OpenAI format',
          language: 'bash',
          code: [
            `export SWITCHYARD_API_KEY=${sh(v.key)}`,
            `curl -sS ${api}/chat/completions \\`,
            '  -H "Authorization: Bearer $SWITCHYARD_API_KEY" -H "content-type: application/json" \\',
            `  -d ${sh(JSON.stringify({ model: v.model, max_tokens: 16, messages: [{ role: 'user', content: 'Say hello' }] }))}`,
          ].join('\n'),
        },
        {
          title: 'Anthropic format',
          language: 'bash',
          code: [
            `curl -sS ${api}/messages \\`,
            '  -H "x-api-key: $SWITCHYARD_API_KEY" -H "anthropic-version: 2023-06-01" -H "content-type: application/json" \\',
            `  -d ${sh(JSON.stringify({ model: v.model, max_tokens: 16, messages: [{ role: 'user', content: 'Say hello' }] }))}`,
          ].join('\n'),
        },
        {
          title: 'The models this key may use',
          language: 'bash',
          code: `curl -sS ${api}/models -H "Authorization: Bearer $SWITCHYARD_API_KEY"`,
        },
      ];
  }
}

/**
 * The guide as Markdown (GET /api/v1/guide): the gateway's endpoints, the steps an AI agent takes through the admin API
 * (key, models, probe, trace), and each tool's configuration with placeholders. No secrets: keys are placeholders.
 */
export function guideMarkdown(opts: { baseUrl: string; tool?: GuideToolId }): string {
  const root = gatewayRoot(opts.baseUrl);
  const api = `${root}/v1`;
  const tools = opts.tool ? GUIDE_TOOLS.filter((t) => t.id === opts.tool) : GUIDE_TOOLS;
  const values: GuideValues = { baseUrl: root, key: GUIDE_PLACEHOLDERS.key, model: GUIDE_PLACEHOLDERS.model };
  const out: string[] = [
    `# Connect a tool to Switchyard${opts.tool ? `: ${tools[0]!.label}` : ''}`,
    '',
    'Switchyard is an LLM gateway: one endpoint in OpenAI and Anthropic format in front of many providers. This guide is written',
    'for people and for AI agents; an agent can follow it step by step to configure a coding tool against this server.',
    '',
    '## This server',
    '',
    `- Gateway root: \`${root}\` (Anthropic clients: this, without \`/v1\`)`,
    `- OpenAI-format base URL: \`${api}\` — \`POST /v1/chat/completions\`, \`POST /v1/responses\`, \`POST /v1/embeddings\`, \`GET /v1/models\``,
    `- Anthropic-format: \`POST ${api}/messages\`, \`POST ${api}/messages/count_tokens\``,
    '- Client auth: `Authorization: Bearer <key>` or `x-api-key: <key>` with a Switchyard gateway key (`sy-…`), never a provider key.',
    `- Admin API: \`${root}/api/v1\` (OpenAPI document: \`${root}/api/v1/openapi.json\`); this guide: \`${root}/api/v1/guide\`, one tool: \`?tool=${GUIDE_TOOL_IDS.join('|')}\`.`,
    '- Model names a client may send: an alias (`chat.default`), a power level (`auto`, `eco`, `balanced`, `precision`), `<provider-slug>/<model-id>`, or a bare model id.',
    '',
    '## Steps for an AI agent (admin API)',
    '',
    "Replace `<SWITCHYARD_API_KEY>` and `<MODEL>` in the snippets below with what these steps give you. Do not edit a tool's configuration",
    'until step 4 passes.',
    '',
    `1. Sign in: \`POST ${root}/api/v1/auth/login\` with \`{"email": "…", "password": "…"}\` → \`{"token": "…"}\`. Send \`Authorization: Bearer <token>\` to the admin API from then on.`,
    `2. Get a gateway key: \`POST ${root}/api/v1/me/keys\` with \`{"name": "claude-code"}\` (optional: \`allowedModels\`, \`rpmLimit\`, \`budgetUsd\`, \`budgetPeriod\`, \`expiresAt\`).`,
    "   The answer holds the full key once (`key`); store it in the tool's environment, never in a file under version control.",
    `   Existing keys: \`GET ${root}/api/v1/me/keys\` (prefixes only; a lost key cannot be shown again — create another).`,
    `3. Pick a model: \`GET ${api}/models\` with the gateway key lists exactly what this key may send (also \`GET ${root}/api/v1/me/keys/{id}/models\` with the session token).`,
    '   Prefer an alias (e.g. `chat.default`): the gateway then balances and falls back behind it.',
    `4. Probe: \`POST ${api}/chat/completions\` with the key and \`{"model": "<MODEL>", "max_tokens": 16, "messages": [{"role": "user", "content": "Say OK"}]}\`.`,
    '   A 200 answer names what served it in the `x-switchyard-provider` and `x-switchyard-model` headers; note its `x-request-id`.',
    `   For Codex also probe \`POST ${api}/responses\` with \`{"model": "<MODEL>", "input": "Say OK"}\`; for Claude Code \`POST ${api}/messages\` (header \`anthropic-version: 2023-06-01\`).`,
    `5. See the routing decision: \`GET ${root}/api/v1/me/logs?limit=20\` → the record with that \`requestId\` → \`GET ${root}/api/v1/me/logs/{id}\` returns its resolver trace (candidates, skipped ones and why, attempts).`,
    "6. Write the tool's configuration from the section below, run the tool once, and check the call arrived with the tool named:",
    `   \`GET ${root}/api/v1/me/logs?tool=<tool>\` (operators: \`/api/v1/llm/logs?tool=…&session=…\`).`,
    '',
    'Operators (admin role) can also set up routing through the admin API — see the OpenAPI document for every body:',
    `\`POST ${root}/api/v1/llm/providers\` (a provider and its key), \`POST ${root}/api/v1/llm/models\` (a model in the registry),`,
    `\`POST ${root}/api/v1/llm/routing/aliases\` (\`{"name": "chat.default", "targets": [{"ref": "<provider>/<model>", "weight": 1}], "strategy": "quota-aware"}\`),`,
    `\`POST ${root}/api/v1/llm/routing/trace\` (\`{"model": "<MODEL>"}\`: what the resolver would do, without calling anyone). Changes apply at once (no restart).`,
    '',
    '## Tools',
    '',
  ];
  for (const t of tools) {
    out.push(
      `### ${t.label}`,
      '',
      `${t.summary} Speaks: ${t.format}.${t.logsTool ? ` Shown in the logs as \`${t.logsTool}\`.` : ''}`,
      '',
    );
    for (const s of toolSnippets(t.id, values)) {
      out.push(
        `${s.title}${s.path ? ` — \`${s.path}\`` : ''}:`,
        '',
        `\`\`\`${s.language === 'text' ? '' : s.language}`,
        s.code,
        '```',
        '',
      );
    }
  }
  return out.join('\n');
}

/** `GET /api/v1/guide` query. */
export const guideQuery = z.object({
  tool: z.enum(GUIDE_TOOL_IDS, { message: `must be one of ${GUIDE_TOOL_IDS.join(', ')}` }).optional(),
});
export type GuideQuery = z.infer<typeof guideQuery>;
