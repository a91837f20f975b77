import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { apiCall, apiToken, navigate, signIn, unique } from './helpers';

/**
 * Provider health on the card: an upstream that refuses the provider's key puts the key in a cooldown; the card
 * says down, which target cools down, until when and why; an admin's reset makes it active again.
 */
let upstream: Server;
let upstreamUrl = '';

test.beforeAll(async () => {
  upstream = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    // The model list answers (background checks stay green); every chat call is refused as a bad key.
    if (req.method === 'GET' && req.url?.startsWith('/v1/models'))
      return send(200, { object: 'list', data: [{ id: 'hc-model', object: 'model' }] });
    req.resume();
    req.on('end', () =>
      send(401, {
        error: {
          message: 'Incorrect API key provided',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      }),
    );
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

test('a provider whose upstream refuses its key shows the cooldown and why; reset makes it active again', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  const name = `Health ${id}`;
  const slug = `health-${id}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  const modelId = `hc-${id}`;
  const token = await apiToken(request);
  const p = await apiCall<{ id: string }>(request, token, 'POST', '/llm/providers', {
    type: 'custom',
    name,
    slug,
    baseUrl: upstreamUrl,
    apiKey: 'sk-e2e-revoked-key-0000',
  });
  await apiCall(request, token, 'POST', '/llm/models', { providerId: p.id, modelId, displayName: modelId });
  const { key } = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', {
    name: `health ${id}`,
  });
  const call = await request.post('/v1/chat/completions', {
    headers: { authorization: `Bearer ${key}` },
    data: { model: `${slug}/${modelId}`, messages: [{ role: 'user', content: 'hi' }] },
  });
  expect(call.status()).toBeGreaterThanOrEqual(500);

  await signIn(page);
  await navigate(page, isMobile, 'LLM gateway');
  const card = page.getByTestId('provider-card').filter({ hasText: name });
  await expect(card.getByTestId('provider-status')).toHaveText('down');
  const cooldowns = card.getByTestId('provider-cooldowns');
  await expect(cooldowns).toContainText("Provider's own key");
  await expect(cooldowns).toContainText('credentials rejected');
  await expect(cooldowns).toContainText('401 auth');
  await expect(card.getByTestId('provider-last-error')).toContainText('Incorrect API key provided');
  await expect(card).not.toContainText('sk-e2e-revoked-key-0000');

  await card.getByRole('button', { name: `Reset cooldowns: ${name}` }).click();
  const dialog = page.getByRole('alertdialog', { name: "Reset this provider's state?" });
  await expect(dialog).toContainText('(1 now)');
  await dialog.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(card.getByTestId('provider-status')).toHaveText('active');
  await expect(card.getByTestId('provider-cooldowns')).toHaveCount(0);
  // Check now: the model list answers, so the check passes; its latency joins the history.
  await card.getByRole('button', { name: `Check now: ${name}` }).click();
  await expect(card.getByTestId('provider-check')).toContainText(/last .*: ok in \d+ ms/);
  await card.getByRole('button', { name: 'Health history and headroom' }).click();
  await expect(
    card
      .getByTestId('provider-health-detail')
      .getByRole('img', { name: /Latency of the last \d+ checks?: .*\d+ ms/ }),
  ).toBeVisible();
  // The reset is in the audit log.
  const audit = await apiCall<{ data: { action: string }[] }>(
    request,
    token,
    'GET',
    `/audit?entityId=${p.id}&action=provider.reset`,
  );
  expect(audit.data).toHaveLength(1);
});
