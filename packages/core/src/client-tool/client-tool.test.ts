import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_TEXT_MAX,
  CLIENT_TOOL_PATTERN,
  clientFacts,
  parseUserAgent,
  sessionFromUserId,
  storedUserAgent,
} from './index.js';

describe('parseUserAgent', () => {
  it.each([
    ['claude-cli/2.1.33 (external, cli)', 'claude-code', '2.1.33'],
    ['claude-cli/1.0.98 (external, sdk-ts)', 'claude-code', '1.0.98'],
    ['codex_exec/0.17.3 (Debian 12.0.0; x86_64) unknown (codex_exec; 0.17.3)', 'codex', '0.17.3'],
    ['codex_cli_rs/0.171.0 (Ubuntu 24.4.0; x86_64) xterm-256color', 'codex', '0.171.0'],
    ['opencode/1.18.2 ai-sdk/provider-utils/3.0.9 runtime/bun/1.2.21', 'opencode', '1.18.2'],
    ['ai-sdk/openai-compatible/1.0.19 ai-sdk/provider-utils/3.0.10 runtime/node.js/20', 'ai-sdk', '1.0.19'],
    ['ai-sdk/anthropic/2.0.17 ai-sdk/provider-utils/3.0.9 runtime/browser', 'ai-sdk', '2.0.17'],
    ['OpenAI/JS 5.23.1', 'openai-js', '5.23.1'],
    // The error reports' Version column (seed 002): the versions as those clients send them.
    ['claude-cli/1.0.3', 'claude-code', '1.0.3'],
    ['OpenAI/JS 6.1.0', 'openai-js', '6.1.0'],
    ['OpenAI/Python 1.109.1', 'openai-python', '1.109.1'],
    ['Anthropic/JS 0.65.0', 'anthropic-js', '0.65.0'],
    ['Anthropic/Python 0.68.0', 'anthropic-python', '0.68.0'],
    ['curl/8.5.0', 'curl', '8.5.0'],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Cursor/1.6.45 Chrome/132.0 Electron/34.5.8 Safari/537.36',
      'cursor',
      '1.6.45',
    ],
    ['Continue/1.2.3', 'continue', '1.2.3'],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36',
      'browser',
      null,
    ],
    ['python-requests/2.32.3', 'python-requests', '2.32.3'],
    ['Go-http-client/1.1', 'go-http-client', '1.1'],
    ['MyAgent', 'myagent', null],
    ['node', 'node', null],
    ['  leading space', null, null],
    ['', null, null],
  ] as const)('%s -> %s %s', (ua, tool, version) => {
    expect(parseUserAgent(ua)).toEqual({ tool, version });
  });

  it('gives no tool without a user-agent', () => {
    expect(parseUserAgent(undefined)).toEqual({ tool: null, version: null });
  });

  it('an unknown product token is cut to 40 characters and always fits the logs filter', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (ua) => {
        const { tool, version } = parseUserAgent(ua);
        if (tool !== null) expect(tool).toMatch(CLIENT_TOOL_PATTERN);
        if (version !== null) expect(version.length).toBeLessThanOrEqual(40);
      }),
    );
  });
});

describe('sessionFromUserId', () => {
  const uuid = '8c4e4a36-5a1b-4bb1-9c3c-1f6f5b0c2d11';
  const device = 'a'.repeat(64);
  it.each([
    // Claude Code 2.1: a JSON string (150 characters with no account).
    [JSON.stringify({ device_id: device, account_uuid: '', session_id: uuid }), uuid],
    // Claude Code 1.x and 2.0.
    [`user_${device}_account__session_${uuid}`, uuid],
    [`user_${device}_account_${uuid}_session_${uuid}`, uuid],
    ['someone@example.com', null],
    ['{"session_id":"has space"}', null],
    [42, null],
    [undefined, null],
  ])('%s -> %s', (userId, expected) => {
    expect(sessionFromUserId(userId)).toBe(expected);
  });

  it('the 150-character Claude Code user id is exactly that JSON', () => {
    expect(JSON.stringify({ device_id: device, account_uuid: '', session_id: uuid })).toHaveLength(150);
  });
});

describe('clientFacts', () => {
  it('Claude Code: tool, version, x-app, session header before the metadata', () => {
    const f = clientFacts(
      {
        'user-agent': 'claude-cli/2.1.33 (external, cli)',
        'x-app': 'cli',
        'x-claude-code-session-id': 'sess-1',
      },
      JSON.stringify({ device_id: 'd', account_uuid: '', session_id: 'from-metadata' }),
    );
    expect(f).toEqual({
      tool: 'claude-code',
      version: '2.1.33',
      userAgent: 'claude-cli/2.1.33 (external, cli)',
      app: 'cli',
      originator: null,
      sessionId: 'sess-1',
    });
  });

  it('Claude Code without the header: the session part of metadata.user_id', () => {
    expect(
      clientFacts(
        { 'user-agent': 'claude-cli/2.1.33 (external, cli)' },
        '{"device_id":"d","account_uuid":"","session_id":"abc-123"}',
      ).sessionId,
    ).toBe('abc-123');
  });

  it('Codex: originator and session_id headers; originator names Codex even behind a rewritten user-agent', () => {
    const f = clientFacts(
      {
        'user-agent': 'codex_exec/0.17.3 (Debian 12; x86_64)',
        originator: 'codex_exec',
        session_id: '0199aaaa-bbbb-7ccc-8ddd-eeeeffff0000',
      },
      undefined,
    );
    expect(f).toMatchObject({
      tool: 'codex',
      version: '0.17.3',
      originator: 'codex_exec',
      sessionId: '0199aaaa-bbbb-7ccc-8ddd-eeeeffff0000',
    });
    expect(
      clientFacts({ 'user-agent': 'reqwest/0.12', originator: 'codex_cli_rs' }, undefined),
    ).toMatchObject({ tool: 'codex', version: null });
  });

  it('app: x-title, then x-app, then only the host of the referer', () => {
    expect(clientFacts({ 'x-title': 'My App', 'x-app': 'cli' }, undefined).app).toBe('My App');
    expect(
      clientFacts({ 'http-referer': 'https://user:pw@app.example.com/path?token=sk-secret' }, undefined).app,
    ).toBe('app.example.com');
    expect(clientFacts({ referer: 'not a url' }, undefined).app).toBeNull();
  });

  it('a session id that is not an id is not recorded', () => {
    expect(clientFacts({ 'x-session-id': 'drop table; --' }, undefined).sessionId).toBeNull();
    expect(clientFacts({ 'x-session-id': 'x'.repeat(101) }, undefined).sessionId).toBeNull();
    // A key sent in a session header by mistake is not stored.
    expect(clientFacts({ session_id: `sy-${'a'.repeat(43)}` }, undefined).sessionId).toBeNull();
    expect(clientFacts({ 'x-session-id': 'sk-proj-abc123' }, undefined).sessionId).toBeNull();
  });

  it('key-shaped tokens never reach the stored user-agent', () => {
    const key = `sy-${'A1b2C3d4'.repeat(5)}abc`;
    expect(storedUserAgent(`MyTool/1.0 (key ${key})`)).toBe('MyTool/1.0 ([redacted])');
    expect(storedUserAgent('MyTool/1.0 sk-proj-abcdefghijklmnop')).toBe('MyTool/1.0 [redacted]');
    expect(storedUserAgent('claude-cli/2.1.33 (external, cli)')).toBe('claude-cli/2.1.33 (external, cli)');
  });

  it('every stored text is cut to its bound and holds no control character, whatever the headers', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 600 }),
        fc.string({ maxLength: 300 }),
        fc.string({ maxLength: 300 }),
        (ua, app, originator) => {
          const f = clientFacts({ 'user-agent': ua, 'x-app': app, originator, session_id: ua }, app);
          for (const [k, max] of Object.entries(CLIENT_TEXT_MAX)) {
            const v = f[k as keyof typeof CLIENT_TEXT_MAX];
            if (v !== null) {
              expect(v.length).toBeLessThanOrEqual(max);
              // eslint-disable-next-line no-control-regex
              expect(v).not.toMatch(/[\u0000-\u001f\u007f]/);
            }
          }
        },
      ),
    );
  });
});
