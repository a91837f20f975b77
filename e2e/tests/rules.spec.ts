import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, navigate, signIn, unique, waitForLog } from './helpers';

/** 'HH:MM' in UTC, `deltaMs` from now. */
const utcClock = (deltaMs: number) => new Date(Date.now() + deltaMs).toISOString().slice(11, 16);

/**
 * Conditional routing rules: an admin makes a night rule whose window covers now (computed in UTC: now-1h..now+1h,
 * wrapping past midnight when it must), scoped to one key; a request with that key goes to the rule's model, the
 * request's log names the rule, and the tester finds the same rule for that logged request.
 */
test('make a night rule, see it route a request and name itself in the trace; test it against the log', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const name = `Night ${unique(testInfo)}`;
  const user = await createUser(request, { email: `rules-${Date.now()}@example.com`, role: 'user' });
  const userToken = await apiToken(request, user.email, user.password);
  const key = await apiCall<{ id: string; key: string }>(request, userToken, 'POST', '/me/keys', {
    name: `rules ${name}`,
  });

  await signIn(page);
  await navigate(page, isMobile, 'LLM gateway › Rules');
  await page.getByRole('button', { name: 'Create rule' }).click();
  const form = page.getByRole('form', { name: 'New rule' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Time zone').fill('UTC');
  await form.getByLabel('From (HH:MM)').fill(utcClock(-3_600_000));
  await form.getByLabel('To (HH:MM)').fill(utcClock(3_600_000));
  await form.getByLabel('Key ids').fill(key.id);
  await form.getByLabel('Route to').fill('mock/mock-large');
  await form.getByRole('button', { name: 'Create rule' }).click();
  const row = page.getByTestId('rule-row').filter({ hasText: name });
  await expect(row).toContainText('route → mock/mock-large');
  await expect(row).toContainText('UTC');
  await expect(row.getByRole('switch', { name: `${name} enabled` })).toHaveAttribute('aria-checked', 'true');

  const res = await request.post('/v1/chat/completions', {
    headers: { authorization: `Bearer ${key.key}` },
    data: { model: 'mock/mock-small', messages: [{ role: 'user', content: 'Hi' }] },
  });
  expect(res.status(), await res.text()).toBe(200);
  expect(res.headers()['x-switchyard-model']).toBe('mock-large');
  const requestId = res.headers()['x-request-id']!;

  const admin = await apiToken(request);
  const logId = await waitForLog(request, admin, (l) => l.requestId === requestId);
  await page.goto(`/logs?log=${logId}`);
  const drawer = page.getByRole('dialog', { name: 'Request details' });
  await expect(drawer.getByTestId('log-rule')).toContainText(`rule: ${name} → mock/mock-large`);

  // The tester: the logged request, against the saved rules.
  await page.goto('/llm/rules');
  const tester = page.getByTestId('rule-tester');
  await tester.getByLabel('Request id (from the logs)').fill(requestId);
  await tester.getByRole('button', { name: 'Test' }).click();
  await expect(tester.getByTestId('rule-test-match')).toHaveText(name);
  await expect(tester.getByTestId('rule-test-chosen')).toContainText('mock/mock-large');

  // Switched off, the rule no longer applies to that request.
  await row.getByRole('switch', { name: `${name} enabled` }).click();
  await expect(row.getByRole('switch', { name: `${name} enabled` })).toHaveAttribute('aria-checked', 'false');
  await tester.getByRole('button', { name: 'Test' }).click();
  await expect(tester.getByTestId('rule-test-match')).toHaveText('No rule applies');

  // Leave no rule behind for the other specs.
  const rules = await apiCall<{ data: { id: string; name: string }[] }>(request, admin, 'GET', '/llm/rules');
  for (const r of rules.data.filter((x) => x.name === name))
    await apiCall(request, admin, 'DELETE', `/llm/rules/${r.id}`);
});

/**
 * A header rule and a logged request that carried the header: its log says the value the rules looked at and opens
 * the tester on it; the tester replays that value, says it did, and a value given in the form goes on top of it.
 */
test('the tester replays a logged request with the header value a rule looked at', async ({
  page,
  request,
}, testInfo) => {
  const name = `Team ${unique(testInfo)}`;
  const team = `team-${unique(testInfo)}`;
  const admin = await apiToken(request);
  const user = await createUser(request, { email: `rules-h-${Date.now()}@example.com`, role: 'user' });
  const userToken = await apiToken(request, user.email, user.password);
  const key = await apiCall<{ id: string; key: string }>(request, userToken, 'POST', '/me/keys', {
    name: `rules ${name}`,
  });
  const rule = await apiCall<{ id: string }>(request, admin, 'POST', '/llm/rules', {
    name,
    when: { headers: [{ name: 'x-team', equals: team }], caller: { keyIds: [key.id] } },
    then: { route: 'mock/mock-large' },
  });
  try {
    // The rule is in force once the routing snapshot has it: the request is routed by it.
    let requestId = '';
    await expect
      .poll(
        async () => {
          const res = await request.post('/v1/chat/completions', {
            headers: { authorization: `Bearer ${key.key}`, 'x-team': team },
            data: { model: 'mock/mock-small', messages: [{ role: 'user', content: 'Hi' }] },
          });
          requestId = res.headers()['x-request-id'] ?? '';
          return res.headers()['x-switchyard-model'];
        },
        { timeout: 15_000 },
      )
      .toBe('mock-large');
    // The record is written (the logs list it) before the tester reads it.
    const logId = await waitForLog(request, admin, (l) => l.requestId === requestId);

    await signIn(page);
    // The request's log says which values the rules looked at, and opens the tester on it.
    await page.goto(`/logs?log=${logId}`);
    const drawer = page.getByRole('dialog', { name: 'Request details' });
    await expect(drawer.getByTestId('log-rule')).toContainText(`rule: ${name} → mock/mock-large`);
    await expect(drawer.getByTestId('log-rule-inputs')).toHaveText(
      `rule inputs: x-team: ${team} (the header and metadata values routing rules look at)`,
    );
    await drawer.getByRole('link', { name: 'Test it against the rules' }).click();
    const tester = page.getByTestId('rule-tester');
    await expect(tester.getByLabel('Request id (from the logs)')).toHaveValue(requestId);
    await tester.getByRole('button', { name: 'Test' }).click();
    await expect(tester.getByTestId('rule-test-match')).toHaveText(name);
    await expect(tester.getByTestId('rule-test-inputs')).toContainText(`headers x-team: ${team} (as logged`);
    await expect(tester.getByTestId('rule-test-chosen')).toContainText('mock/mock-large');

    // Another value given in the form: the rule no longer applies.
    await tester.getByLabel('Headers').fill('x-team: someone-else');
    await tester.getByRole('button', { name: 'Test' }).click();
    await expect(tester.getByTestId('rule-test-match')).toHaveText('No rule applies');
    await expect(tester.getByTestId('rule-test-inputs')).toContainText('headers x-team: someone-else');
  } finally {
    await apiCall(request, admin, 'DELETE', `/llm/rules/${rule.id}`);
  }
});
