import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, navigate, signIn, unique, waitForLog } from './helpers';

/**
 * Agent configurations (seed 002): an admin creates an agent in the LLM area, a client calls it by name with an
 * effort, and the request's log entry says which agent chose the model.
 */
test('create an agent and call it: the log says which agent chose the model', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const id = `coder-${unique(testInfo)}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
  await signIn(page);
  await navigate(page, isMobile, 'LLM gateway › Agents');
  await page.getByRole('button', { name: 'Create agent' }).click();
  const form = page.getByRole('form', { name: 'New agent' });
  await form.getByLabel('Name').fill('Coder');
  await form.getByLabel('Agent ID').fill(id);
  await form.getByLabel('Role').fill('Writes code');
  await form.getByLabel('Normal model').fill('chat.default');
  await form.getByLabel('Heavy model').fill('mock/mock-small');
  await form.getByLabel('Max model').fill('precision');
  await form.getByRole('button', { name: 'Create agent' }).click();
  const row = page.getByTestId('agent-row').filter({ hasText: id });
  await expect(row).toContainText('mock/mock-small');

  const user = await createUser(request, { email: `agent-${id}@example.com`, role: 'user' });
  const userToken = await apiToken(request, user.email, user.password);
  const key = await apiCall<{ key: string }>(request, userToken, 'POST', '/me/keys', { name: `agent ${id}` });
  const res = await request.post('/v1/chat/completions', {
    headers: { authorization: `Bearer ${key.key}` },
    data: { model: `agent:${id}:heavy`, messages: [{ role: 'user', content: 'Hi' }] },
  });
  expect(res.status(), await res.text()).toBe(200);
  expect(res.headers()['x-switchyard-model']).toBe('mock-small');

  const admin = await apiToken(request);
  const logId = await waitForLog(request, admin, (l) => l.requestedModel === `agent:${id}:heavy`);
  await page.goto(`/logs?log=${logId}`);
  const drawer = page.getByRole('dialog', { name: 'Request details' });
  await expect(drawer.getByTestId('log-agent')).toContainText(`agent: ${id} (heavy) → mock/mock-small`);
});
