import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, navigate, signIn, unique } from './helpers';

/**
 * A/B experiments: an admin makes an alias on the mock provider, creates a 50/50 experiment on it (sticky per
 * request) in the LLM area and starts it; a client sends 20 requests through the proxy and scores some of them with
 * POST /v1/feedback; the results table shows both variants with requests that add up to 20 and the feedback.
 */
test('run an experiment on the mock provider and read its results', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  // Twenty-odd proxied requests and a wait for the batched usage records: more than the default 30 s on a busy host.
  test.setTimeout(120_000);
  const suffix = unique(testInfo)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  const alias = `ab-${suffix}`;
  const name = `Small vs large ${suffix}`;
  const admin = await apiToken(request);
  await apiCall(request, admin, 'POST', '/llm/routing/aliases', {
    name: alias,
    targets: [{ ref: 'mock/mock-small', weight: 1 }],
  });

  await signIn(page);
  await navigate(page, isMobile, 'LLM gateway › Experiments');
  await page.getByRole('button', { name: 'Create experiment' }).click();
  const form = page.getByRole('form', { name: 'New experiment' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Alias').selectOption(alias);
  await form.getByLabel('Sticky per').selectOption('request');
  await form.getByLabel('Variant 1 name').fill('small');
  await form.getByLabel('Target').first().fill(alias);
  await form.getByLabel('Variant 2 name').fill('large');
  await form.getByLabel('Target').nth(1).fill('mock/mock-large');
  await form.getByRole('button', { name: 'Create experiment' }).click();
  const row = page.getByTestId('experiment-row').filter({ hasText: name });
  await expect(row).toContainText('draft');
  await row.getByRole('button', { name: `Start ${name}` }).click();
  await expect(row).toContainText('running');

  const user = await createUser(request, { email: `exp-${suffix}@example.com`, role: 'user' });
  const userToken = await apiToken(request, user.email, user.password);
  const key = await apiCall<{ key: string }>(request, userToken, 'POST', '/me/keys', {
    name: `exp ${suffix}`,
  });
  const ids: string[] = [];
  const models = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const res = await request.post('/v1/chat/completions', {
      headers: { authorization: `Bearer ${key.key}` },
      data: { model: alias, messages: [{ role: 'user', content: `Hello ${i}` }] },
    });
    expect(res.status(), await res.text()).toBe(200);
    ids.push(res.headers()['x-request-id']!);
    models.add(res.headers()['x-switchyard-model']!);
  }
  expect(models).toEqual(new Set(['mock-small', 'mock-large']));
  for (const [i, id] of ids.slice(0, 6).entries()) {
    const fb = await request.post('/v1/feedback', {
      headers: { authorization: `Bearer ${key.key}` },
      data: { request_id: id, score: i % 2 === 0 ? 1 : 0.5 },
    });
    expect(fb.status(), await fb.text()).toBe(200);
  }

  await row.getByRole('button', { name: `Results of ${name}` }).click();
  const results = page.getByTestId('experiment-results');
  await expect(results).toContainText(`Results: ${name}`);
  // Usage is written in batches: the figures refresh until every request is in.
  await expect(results).toContainText('20 requests and 6 feedback scores', { timeout: 20_000 });
  const table = results.getByRole('table', { name: 'Results per variant' });
  await expect(table.getByRole('columnheader', { name: 'small' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'large' })).toBeVisible();
  const requestsRow = table.getByRole('row', { name: /^Requests/ });
  const counts = (await requestsRow.getByRole('cell').allTextContents()).map(Number);
  expect(counts).toHaveLength(2);
  expect(counts.every((n) => n > 0)).toBe(true);
  expect(counts[0]! + counts[1]!).toBe(20);
  const feedbackCounts = (
    await table
      .getByRole('row', { name: /^Feedback count/ })
      .getByRole('cell')
      .allTextContents()
  ).map(Number);
  expect(feedbackCounts[0]! + feedbackCounts[1]!).toBe(6);
  await expect(table.getByRole('row', { name: /^Error rate/ })).toContainText('0.0%');

  // Stopping it: the alias routes as configured again.
  await row.getByRole('button', { name: `Stop ${name}` }).click();
  await expect(row).toContainText('stopped');
  const after = await request.post('/v1/chat/completions', {
    headers: { authorization: `Bearer ${key.key}` },
    data: { model: alias, messages: [{ role: 'user', content: 'after' }] },
  });
  expect(after.headers()['x-switchyard-model']).toBe('mock-small');

  // A request's log shows which experiment and variant routed it.
  const logs = await apiCall<{ data: { id: string; requestedModel: string; actualModel: string | null }[] }>(
    request,
    admin,
    'GET',
    '/llm/logs?limit=50',
  );
  const large = logs.data.find((l) => l.requestedModel === alias && l.actualModel === 'mock-large');
  expect(large).toBeDefined();
  await page.goto(`/logs?log=${large!.id}`);
  const drawer = page.getByRole('dialog', { name: 'Request details' });
  await expect(drawer.getByTestId('trace-experiment')).toContainText(
    `experiment: ${name} → large (mock/mock-large)`,
  );
  await expect(drawer.getByTestId('trace-experiment')).toContainText('drawn for this request');
});
