import { describe, expect, it } from 'vitest';
import { GUIDE_TOOL_IDS, GUIDE_TOOLS, gatewayRoot, guideMarkdown, toolSnippets } from './index.js';

const v = {
  baseUrl: 'https://llm.example.com/',
  key: 'sy-TESTKEY',
  model: 'chat.default',
  smallModel: 'eco',
};
const all = (id: (typeof GUIDE_TOOL_IDS)[number]) =>
  toolSnippets(id, v)
    .map((s) => s.code)
    .join('\n');

describe('toolSnippets', () => {
  it('every tool has a guide entry and at least one snippet holding the key and model', () => {
    expect(GUIDE_TOOLS.map((t) => t.id)).toEqual([...GUIDE_TOOL_IDS]);
    for (const id of GUIDE_TOOL_IDS) {
      const code = all(id);
      expect(code, id).toContain('chat.default');
      expect(code, id).toContain('sy-TESTKEY');
    }
  });

  it('Claude Code: ANTHROPIC_BASE_URL is the gateway root (no /v1) with the auth token and model slots', () => {
    const code = all('claude-code');
    expect(code).toContain("export ANTHROPIC_BASE_URL='https://llm.example.com'\n");
    expect(code).toContain("export ANTHROPIC_AUTH_TOKEN='sy-TESTKEY'");
    for (const slot of ['ANTHROPIC_MODEL', 'ANTHROPIC_DEFAULT_OPUS_MODEL', 'ANTHROPIC_DEFAULT_SONNET_MODEL'])
      expect(code).toContain(`export ${slot}='chat.default'`);
    expect(code).toContain("export ANTHROPIC_DEFAULT_HAIKU_MODEL='eco'");
    expect(code).toContain('CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1');
    const settings = JSON.parse(toolSnippets('claude-code', v)[1]!.code) as { env: Record<string, string> };
    expect(settings.env.ANTHROPIC_BASE_URL).toBe('https://llm.example.com');
  });

  it('Codex: a responses-wire provider reading the key from env_key, updates and analytics off', () => {
    const toml = toolSnippets('codex', v)[0]!.code;
    expect(toml).toContain('[model_providers.switchyard]');
    expect(toml).toContain('base_url = "https://llm.example.com/v1"');
    expect(toml).toContain('env_key = "SWITCHYARD_API_KEY"');
    expect(toml).toContain('wire_api = "responses"');
    expect(toml).toContain('check_for_update_on_startup = false');
    expect(toml).toMatch(/\[analytics\]\nenabled = false/);
    expect(toml).toMatch(/\[features\]\nplugins = false\nremote_plugin = false\napps = false/);
  });

  it('OpenCode: an @ai-sdk/openai-compatible provider with both models', () => {
    const cfg = JSON.parse(toolSnippets('opencode', v)[0]!.code);
    expect(cfg.provider.switchyard).toMatchObject({
      npm: '@ai-sdk/openai-compatible',
      options: { baseURL: 'https://llm.example.com/v1' },
    });
    expect(Object.keys(cfg.provider.switchyard.models)).toEqual(['chat.default', 'eco']);
    expect(cfg.model).toBe('switchyard/chat.default');
  });

  it('a key or model with a quote cannot break out of the shell word or the JSON', () => {
    const odd = { ...v, key: "it's", model: 'a"b' };
    expect(toolSnippets('claude-code', odd)[0]!.code).toContain(`export ANTHROPIC_AUTH_TOKEN='it'\\''s'`);
    expect(JSON.parse(toolSnippets('opencode', odd)[0]!.code).model).toBe('switchyard/a"b');
  });

  it.each([
    ['http://h:8787', 'http://h:8787'],
    ['http://h:8787/', 'http://h:8787'],
    ['http://h:8787/v1', 'http://h:8787'],
    ['http://h:8787/v1/', 'http://h:8787'],
  ])('gatewayRoot(%s) = %s', (a, b) => expect(gatewayRoot(a)).toBe(b));
});

describe('guideMarkdown', () => {
  it('names the server, the agent steps and every tool, with placeholders instead of keys', () => {
    const md = guideMarkdown({ baseUrl: 'http://127.0.0.1:8787' });
    expect(md).toContain('`http://127.0.0.1:8787/v1`');
    expect(md).toContain('POST http://127.0.0.1:8787/api/v1/me/keys');
    for (const t of GUIDE_TOOLS) expect(md).toContain(`### ${t.label}`);
    expect(md).toContain('<SWITCHYARD_API_KEY>');
    expect(md).not.toMatch(/sy-[A-Za-z0-9_-]{10,}/);
  });

  it('?tool= keeps one tool', () => {
    const md = guideMarkdown({ baseUrl: 'http://x', tool: 'codex' });
    expect(md).toContain('### Codex');
    expect(md).not.toContain('### Claude Code');
  });
});
