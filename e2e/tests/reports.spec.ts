import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, navigate, signIn, unique } from './helpers';

/**
 * Reports (seed 001 phase 2): the cost report as CSV for operators and for each user, a chart saved as PNG, and the
 * providers' own logos on their cards.
 */

test('an operator downloads the cost report and a chart; known providers show their logo', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  const admin = await apiToken(request);
  const key = await apiCall<{ key: string }>(request, admin, 'POST', '/me/keys', { name: `report ${id}` });
  const res = await request.post('/v1/chat/completions', {
    headers: { authorization: `Bearer ${key.key}` },
    data: { model: 'mock/mock-small', messages: [{ role: 'user', content: 'Hello from the reports test' }] },
  });
  expect(res.status(), await res.text()).toBe(200);
  // A provider of a known type (no models, so never called): its card carries the brand's logo.
  const slug = `logo-${id}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  await apiCall(request, admin, 'POST', '/llm/providers', {
    type: 'anthropic',
    name: `Logo ${id}`,
    slug,
    baseUrl: 'http://127.0.0.1:9',
    apiKey: 'sk-ant-never-used-0000',
  });

  await signIn(page);
  await navigate(page, isMobile, 'LLM gateway');
  await expect(page.getByRole('heading', { level: 2, name: 'Providers', exact: true })).toBeVisible();

  // The cost report of the shown period, as the API writes it.
  await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: 'Last 7d' }).click();
  const [csvDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Cost report (CSV)' }).click(),
  ]);
  expect(csvDownload.suggestedFilename()).toBe('switchyard-cost-report-all-7d.csv');
  const csv = await readFile((await csvDownload.path())!, 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe(
    'day,provider,model,user,requests,errors,tokens_in,tokens_out,cost_usd,byok_saved_usd',
  );
  expect(lines.some((l) => l.includes(',mock,mock-small,'))).toBe(true);

  // A chart, saved as a PNG image.
  const chart = page.getByRole('img', { name: /^API calls per hour/ });
  await expect(chart).toBeVisible();
  const [pngDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /^Download the chart as PNG: API calls per hour/ }).click(),
  ]);
  expect(pngDownload.suggestedFilename()).toMatch(/^api-calls-per-hour.*\.png$/);
  const png = await readFile((await pngDownload.path())!);
  expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

  // The provider cards: a brand's logo for a known type, the initial for the built-in mock.
  const card = page.getByTestId('provider-card').filter({ hasText: `Logo ${id}` });
  const logo = card.getByTestId('provider-logo');
  await expect(logo).toHaveAttribute('data-provider-type', 'anthropic');
  await expect(logo.locator('svg')).toBeVisible();
});

test('a user downloads their own cost report, without other users in it', async ({
  page,
  request,
}, testInfo) => {
  const id = unique(testInfo);
  const user = await createUser(request, { email: `report-user-${id}@example.com`, role: 'user' });
  const token = await apiToken(request, user.email, user.password);
  const key = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', { name: `mine ${id}` });
  for (let i = 0; i < 2; i++) {
    const res = await request.post('/v1/chat/completions', {
      headers: { authorization: `Bearer ${key.key}` },
      data: { model: 'mock/mock-small', messages: [{ role: 'user', content: 'mine' }] },
    });
    expect(res.status(), await res.text()).toBe(200);
  }
  await signIn(page, user.email, user.password);
  await page.goto('/my-usage');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Cost report (CSV)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('switchyard-cost-report-mine-30d.csv');
  const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n');
  expect(lines[0]).toBe('day,provider,model,requests,errors,tokens_in,tokens_out,cost_usd,byok_saved_usd');
  // The rollup is written with the usage rows (queued, flushed in batches): both calls, and only this user's.
  expect(lines.slice(1).reduce((n, l) => n + Number(l.split(',')[3]), 0)).toBe(2);
});

test('Overview draws the per-minute series as bars', async ({ page, request }, testInfo) => {
  // A call in the last hour, so the live panel has minutes to draw.
  const admin = await apiToken(request);
  const key = await apiCall<{ key: string }>(request, admin, 'POST', '/me/keys', {
    name: `bars ${unique(testInfo)}`,
  });
  const res = await request.post('/v1/chat/completions', {
    headers: { authorization: `Bearer ${key.key}` },
    data: { model: 'mock/mock-small', messages: [{ role: 'user', content: 'bars' }] },
  });
  expect(res.status(), await res.text()).toBe(200);
  await signIn(page);
  await page.goto('/');
  for (const name of [/^Requests and errors per minute/, /^Average and p95 latency per minute/]) {
    const chart = page.getByRole('img', { name });
    await expect(chart).toBeVisible({ timeout: 15_000 });
    await expect(page.locator('[data-chart-kind]').filter({ has: chart })).toHaveAttribute(
      'data-chart-kind',
      'bar',
    );
  }
});
