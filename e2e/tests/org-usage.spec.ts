import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, navigate, signIn, unique } from './helpers';

/**
 * An organization's admin (a user, not an operator) opens "Organization usage" from the sidebar and reads the
 * organization's requests: its members' calls through the proxy, their cost, the models with their feedback and
 * the members by spend. A plain member of the organization has no such page in the sidebar.
 */
test("an organization's admin reads its usage; a plain member does not get the page", async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  test.setTimeout(90_000);
  const id = unique(testInfo)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  const admin = await apiToken(request);
  const org = await apiCall<{ id: string; name: string }>(request, admin, 'POST', '/orgs', {
    name: `Team ${id}`,
    slug: `team-${id}`,
  });
  const lead = await createUser(request, {
    email: `lead-${id}@example.com`,
    role: 'user',
    name: `Lead ${id}`,
  });
  const dev = await createUser(request, { email: `dev-${id}@example.com`, role: 'user', name: `Dev ${id}` });
  await apiCall(request, admin, 'POST', `/orgs/${org.id}/members`, { userId: lead.id, role: 'admin' });
  await apiCall(request, admin, 'POST', `/orgs/${org.id}/members`, { userId: dev.id, role: 'member' });

  // The developer sends three requests with a key of their own and scores one.
  const devToken = await apiToken(request, dev.email, dev.password);
  const key = await apiCall<{ key: string }>(request, devToken, 'POST', '/me/keys', { name: `dev ${id}` });
  let requestId = '';
  for (let i = 0; i < 3; i++) {
    const res = await request.post('/v1/chat/completions', {
      headers: { authorization: `Bearer ${key.key}` },
      data: { model: 'mock/mock-small', messages: [{ role: 'user', content: `Hello ${i}` }] },
    });
    expect(res.status(), await res.text()).toBe(200);
    requestId = res.headers()['x-request-id']!;
  }
  const fb = await request.post('/v1/feedback', {
    headers: { authorization: `Bearer ${key.key}` },
    data: { request_id: requestId, score: 1, comment: `clear answer ${id}` },
  });
  expect(fb.status(), await fb.text()).toBe(200);

  await signIn(page, lead.email, lead.password);
  await navigate(page, isMobile, 'Organization usage');
  await expect(page.getByRole('heading', { name: 'Organization usage', level: 2 })).toBeVisible();
  await expect(page.getByText(`you are its admin`)).toBeVisible();
  await expect(page.getByTestId('org-requests')).toContainText('3');
  const models = page.getByRole('list', { name: 'Top models' });
  await expect(models).toContainText('mock/mock-small · 3 calls');
  await expect(models).toContainText('score 1 from 1 rating');
  const members = page.getByRole('region', { name: 'Members by spend' }).getByTestId('org-member');
  await expect(members).toHaveCount(1);
  await expect(members.first()).toContainText(`Dev ${id}`);
  await expect(members.first()).toContainText('3 calls');
  // The score given to the member's request, with its comment; none of them bad.
  const feedback = page.getByRole('region', { name: 'Feedback' });
  await expect(feedback.getByTestId('feedback-row')).toHaveCount(1);
  await expect(feedback.getByTestId('feedback-row')).toContainText(`clear answer ${id}`);
  await expect(feedback.getByTestId('feedback-row')).toContainText(dev.email);
  await feedback.getByLabel('Rating').selectOption('bad');
  await expect(feedback.getByTestId('feedback-row')).toHaveCount(0);
  await expect(feedback).toContainText('No bad scores.');
  await feedback.getByLabel('Rating').selectOption('');
  await expect(feedback.getByTestId('feedback-row')).toHaveCount(1);
  // The organization's cost report: its member's calls, per day, provider, model and member.
  const [report] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Cost report (CSV)' }).click(),
  ]);
  expect(report.suggestedFilename()).toBe(`switchyard-cost-report-org-${org.id}-30d.csv`);
  const csv = readFileSync((await report.path())!, 'utf8')
    .trim()
    .split(/\r\n/);
  expect(csv[0]).toBe('day,provider,model,user,requests,errors,tokens_in,tokens_out,cost_usd,byok_saved_usd');
  expect(csv.slice(1).map((l) => l.split(',').slice(1, 5))).toEqual([['mock', 'mock-small', dev.email, '3']]);
  // No serious or critical accessibility violation on the page (contrast included).
  await page.waitForTimeout(400);
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(
    axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
  ).toEqual([]);

  // The developer, a plain member, has no such page.
  await page.context().clearCookies();
  await signIn(page, dev.email, dev.password);
  if (isMobile) await page.getByRole('button', { name: 'Open navigation' }).click();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'My usage', exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Organization usage', exact: true })).toHaveCount(0);
});
