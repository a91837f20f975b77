import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, navigate, noHorizontalScroll, signIn, unique } from './helpers';

test('a user opens Connect a tool, creates a key inline, copies the Claude Code snippet, probes through the gateway and sees the trace', async ({
  page,
  context,
  request,
  isMobile,
  baseURL,
}, testInfo) => {
  const id = unique(testInfo);
  const user = await createUser(request, { email: `connect-${id}@example.com`, role: 'user' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, user.email, user.password);

  await navigate(page, isMobile, 'Connect a tool');
  await expect(page).toHaveURL(/\/connect$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Connect a tool' })).toBeVisible();
  await expect(page.getByText('You have no active key yet.')).toBeVisible();
  // Without a key the probe cannot run.
  await expect(page.getByRole('button', { name: 'Probe' })).toBeDisabled();

  // Create a key inline: shown once, and filled into the snippets.
  await page.getByRole('button', { name: 'Create one here' }).click();
  const form = page.getByRole('form', { name: 'Create a key' });
  await form.getByLabel('New key name').fill(`claude ${id}`);
  await form.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('connect-new-key').textContent())!.trim();
  expect(key).toMatch(/^sy-[A-Za-z0-9_-]{43}$/);
  await expect(page.getByRole('alert')).toContainText('shown only once');

  // The models come from what this key may use; the seeded alias is the default.
  await expect(page.getByLabel('Model')).toHaveValue('chat.default');

  // Claude Code is the default tool: copy its environment snippet and check it is exact for this server.
  await expect(page.getByRole('button', { name: 'Claude Code', pressed: true })).toBeVisible();
  const first = page.getByTestId('connect-snippet').first();
  await first.getByRole('button', { name: /^Copy Environment/ }).click();
  await expect(first.getByRole('button', { name: 'Copied' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain(`export ANTHROPIC_BASE_URL='${baseURL}'`);
  expect(copied).toContain(`export ANTHROPIC_AUTH_TOKEN='${key}'`);
  expect(copied).toContain("export ANTHROPIC_MODEL='chat.default'");
  await noHorizontalScroll(page);

  // Probe: a real call through the gateway (Anthropic format for Claude Code) to the built-in mock provider.
  await page.getByRole('button', { name: 'Probe' }).click();
  const result = page.getByTestId('probe-result');
  await expect(result).toBeVisible({ timeout: 15_000 });
  await expect(result.getByTestId('probe-served-by')).toContainText('mock/');
  await expect(result.getByTestId('resolver-trace')).toBeVisible({ timeout: 15_000 });
  await expect(result.getByTestId('resolver-trace')).toContainText('chat.default');
  await expect(result.getByTestId('trace-candidate').first()).toBeVisible();

  // Another tool: the Codex config names the same server and a responses-wire provider.
  await page.getByRole('button', { name: 'Codex', exact: true }).click();
  await expect(page).toHaveURL(/tool=codex/);
  await expect(page.getByTestId('connect-snippet').first()).toContainText(`base_url = "${baseURL}/v1"`);
  await expect(page.getByTestId('connect-snippet').first()).toContainText('wire_api = "responses"');

  // The same guide as Markdown for agents, without signing in and without the key.
  const md = await request.get('/api/v1/guide?tool=claude-code', { headers: { cookie: '' } });
  expect(md.status()).toBe(200);
  const text = await md.text();
  expect(text).toContain(`export ANTHROPIC_BASE_URL='${baseURL}'`);
  expect(text).not.toContain(key);
});

test('an operator sees which tool made each call and filters the logs by tool and session', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  const user = await createUser(request, { email: `tools-${id}@example.com`, role: 'user' });
  const token = await apiToken(request, user.email, user.password);
  const { key } = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', { name: `cli ${id}` });
  const session = `e2e-${id}`;
  // What Claude Code sends: its user-agent, x-app and the session in metadata.user_id.
  const res = await request.post('/v1/messages?beta=true', {
    headers: {
      'x-api-key': key,
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219',
      'user-agent': 'claude-cli/2.1.33 (external, cli)',
      'x-app': 'cli',
    },
    data: {
      model: 'chat.default',
      max_tokens: 32,
      metadata: {
        user_id: JSON.stringify({ device_id: 'd'.repeat(64), account_uuid: '', session_id: session }),
      },
      messages: [{ role: 'user', content: 'hi' }],
    },
  });
  expect(res.status(), await res.text()).toBe(200);
  // Usage rows are written in batches, off the request path: wait until the log has it before opening the page
  // (with the live stream up, the page does not poll, and the live tail is off).
  const admin = await apiToken(request);
  await expect
    .poll(
      async () =>
        (
          await apiCall<{ data: { user: { email: string | null } | null }[] }>(
            request,
            admin,
            'GET',
            '/llm/logs?tool=claude-code',
          )
        ).data.some((r) => r.user?.email === user.email),
      { timeout: 15_000 },
    )
    .toBe(true);

  await signIn(page);
  await page.goto('/logs?tool=claude-code');
  const row = page.getByTestId('log-row').filter({ hasText: user.email });
  await expect(row).toHaveCount(1, { timeout: 10_000 });
  await expect(row.getByTestId('log-tool')).toHaveText('Claude Code 2.1.33');
  await row.getByRole('button', { name: /^Open request/ }).click();
  const drawer = page.getByRole('dialog', { name: 'Request details' });
  await expect(drawer).toContainText('claude-cli/2.1.33 (external, cli)');
  await drawer.getByRole('link', { name: session }).click();
  await expect(page).toHaveURL(new RegExp(`session=${session}`));
  await expect(page.getByTestId('log-row')).toHaveCount(1);
  await noHorizontalScroll(page);
  if (isMobile) return;
  // The Tool filter in the form: another tool shows none of these.
  await page.goto(`/logs?session=${session}&tool=codex`);
  await expect(page.getByText('No requests match these filters.')).toBeVisible();
});
