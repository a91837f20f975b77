import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, signIn, unique } from './helpers';

/**
 * Feedback outside experiments: a user's app calls a model directly (no experiment), then scores the answer with
 * POST /v1/feedback. Signed in, the user sees the model's rating on their usage page and the score with its comment
 * in the request's log.
 */
test('a score for a plain request shows on the usage page and in its log', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(90_000);
  const suffix = unique(testInfo)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  const user = await createUser(request, { email: `fb-${suffix}@example.com`, role: 'user' });
  const token = await apiToken(request, user.email, user.password);
  const key = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', { name: `fb ${suffix}` });
  const res = await request.post('/v1/chat/completions', {
    headers: { authorization: `Bearer ${key.key}` },
    data: { model: 'mock/mock-small', messages: [{ role: 'user', content: 'Rate me' }] },
  });
  expect(res.status(), await res.text()).toBe(200);
  const requestId = res.headers()['x-request-id']!;
  const fb = await request.post('/v1/feedback', {
    headers: { authorization: `Bearer ${key.key}` },
    data: { request_id: requestId, score: 0.75, comment: `helpful ${suffix}` },
  });
  expect(fb.status(), await fb.text()).toBe(200);
  expect(await fb.json()).toMatchObject({ experiment: null, model: 'mock/mock-small' });

  await signIn(page, user.email, user.password);
  await expect(page.getByRole('list', { name: 'Top models' })).toContainText('mock/mock-small · 1 call');
  await expect(page.getByRole('list', { name: 'Top models' })).toContainText('score 0.75 from 1 rating');

  const logs = await apiCall<{ data: { id: string; requestId: string }[] }>(
    request,
    token,
    'GET',
    '/me/logs?limit=20',
  );
  const log = logs.data.find((l) => l.requestId === requestId);
  expect(log).toBeDefined();
  await page.goto(`/?log=${log!.id}`);
  const drawer = page.getByRole('dialog', { name: 'Request details' });
  const entry = drawer.getByRole('list', { name: 'Feedback' }).getByTestId('log-feedback');
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('score 0.75');
  await expect(entry).toContainText(`“helpful ${suffix}”`);
  await expect(entry).toContainText(`fb ${suffix}`);
  // The drawer with its Feedback section: no serious or critical accessibility violation.
  await page.waitForTimeout(400);
  const axe = await new AxeBuilder({ page })
    .include('[role="dialog"]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect(
    axe.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 200)).join(' | ')}`),
  ).toEqual([]);
});
