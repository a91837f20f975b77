import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, navigate, signIn, unique } from './helpers';

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

/**
 * The feedback list: a user's app scores two answers, one of them badly with a comment. The user finds the bad one
 * on the Feedback page (their own scores), and opens the request it rates; an operator sees it among everyone's,
 * with the user.
 */
test('the Feedback page lists scores with their comments and opens the rated request', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  test.setTimeout(90_000);
  const suffix = unique(testInfo)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  const user = await createUser(request, { email: `fbl-${suffix}@example.com`, role: 'user' });
  const token = await apiToken(request, user.email, user.password);
  const key = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', { name: `fbl ${suffix}` });
  const ids: string[] = [];
  for (const content of ['First question', 'Second question']) {
    const res = await request.post('/v1/chat/completions', {
      headers: { authorization: `Bearer ${key.key}` },
      data: { model: 'mock/mock-small', messages: [{ role: 'user', content }] },
    });
    expect(res.status(), await res.text()).toBe(200);
    ids.push(res.headers()['x-request-id']!);
  }
  for (const [i, score, comment] of [
    [0, 1, undefined],
    [1, 0.2, `invented an API ${suffix}`],
  ] as const) {
    const fb = await request.post('/v1/feedback', {
      headers: { authorization: `Bearer ${key.key}` },
      data: { request_id: ids[i], score, ...(comment ? { comment } : {}) },
    });
    expect(fb.status(), await fb.text()).toBe(200);
  }

  await signIn(page, user.email, user.password);
  await navigate(page, isMobile, 'Feedback');
  await expect(page.getByRole('heading', { name: 'Feedback', level: 1 })).toBeVisible();
  const rows = page.getByTestId('feedback-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText(`invented an API ${suffix}`);
  await expect(rows.first()).toContainText('0.2 bad');
  await expect(rows.nth(1)).toContainText('1 good');
  // Only the bad ones.
  if (!(await page.getByLabel('Rating').isVisible()))
    await page.getByRole('button', { name: /Filters/ }).click();
  await page.getByLabel('Rating').selectOption('bad');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/rating=bad/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('mock/mock-small');
  await page.waitForTimeout(300);
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(
    axe.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 200)).join(' | ')}`),
  ).toEqual([]);
  // The request it rates, with the same score in its log.
  await rows
    .first()
    .getByRole('button', { name: new RegExp(`open the rated request ${ids[1]}$`) })
    .click();
  const drawer = page.getByRole('dialog', { name: 'Request details' });
  await expect(drawer).toContainText(ids[1]!);
  await expect(drawer.getByTestId('log-feedback')).toContainText(`invented an API ${suffix}`);

  // An operator: everyone's scores, this one with its user.
  await page.context().clearCookies();
  await signIn(page);
  await page.goto('/feedback?rating=bad&commented=true');
  const mine = page.getByTestId('feedback-row').filter({ hasText: `invented an API ${suffix}` });
  await expect(mine).toHaveCount(1);
  await expect(mine).toContainText(user.email);
});
