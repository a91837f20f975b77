import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiCall, apiToken, createUser, navigate, noHorizontalScroll, signIn, unique } from './helpers';

/**
 * Data protection: an admin turns an org's protection on, edits its rules (a detector off, a custom rule with a
 * validation message, then fixed), tries them in the live tester and saves; a viewer reads without switches.
 * Every name carries the project (desktop/phone) so the two projects never see each other's data.
 */

interface StatusRow {
  key: string;
  name: string;
  enabled: boolean;
  rulesEnabled: number;
}

async function createOrg(request: APIRequestContext, token: string, id: string) {
  return apiCall<{ id: string; name: string }>(request, token, 'POST', '/orgs', {
    name: `DLP ${id}`,
    slug: `dlp-${id}`.toLowerCase().replace(/[^a-z0-9-]/g, '-'),
  });
}

test('an admin turns protection on for an org, edits its rules, tries them and saves', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  const admin = await apiToken(request);
  const org = await createOrg(request, admin, id);

  await signIn(page);
  await navigate(page, isMobile, 'Data protection');
  await expect(page.getByRole('heading', { name: 'Data protection', level: 2 })).toBeVisible();
  const row = page.getByTestId('dlp-status-row').filter({ hasText: org.name });
  await expect(row).toContainText('off');
  await noHorizontalScroll(page);

  // On: the switch changes the org's PII protection.
  await row.getByRole('switch', { name: `Protection for ${org.name}` }).click();
  await expect(row.getByRole('switch', { name: `Protection for ${org.name}` })).toHaveAttribute(
    'aria-checked',
    'true',
  );
  await expect(row).toContainText('on');
  const orgNow = await apiCall<{ piiProtection: boolean }>(request, admin, 'GET', `/orgs/${org.id}`);
  expect(orgNow.piiProtection).toBe(true);

  // The rules: IP addresses off, a custom rule that is refused until its pattern is fixed.
  await row.getByRole('button', { name: `Edit the rules of ${org.name}` }).click();
  await expect(page).toHaveURL(new RegExp(`scope=org(%3A|:)${org.id}`));
  const panel = page.getByTestId('dlp-policy-panel');
  await expect(panel.getByRole('heading', { name: `Rules for ${org.name}` })).toBeVisible();
  await panel.getByRole('switch', { name: 'IP addresses on' }).click();
  await panel.getByRole('button', { name: 'Add rule' }).click();
  await panel.getByLabel('Rule 1 name').fill('Employee ID');
  await panel.getByLabel('Rule 1 pattern').fill('EMP-(\\d+)+');
  await expect(panel.getByText(/catastrophic backtracking/)).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Save rules' })).toBeDisabled();
  await panel.getByLabel('Rule 1 pattern').fill('EMP-\\d{6}');
  await expect(panel.getByText(/catastrophic backtracking/)).toBeHidden();
  await expect(panel.getByText('[EMPLOYEE_ID_1]')).toBeVisible();

  // The live tester uses the rules being edited.
  await panel.getByLabel('Text to test').fill('Ask jane.doe@example.com about EMP-123456 on 203.0.113.7');
  const output = panel.getByTestId('dlp-tester-output');
  await expect(output).toHaveText('Ask [EMAIL_1] about [EMPLOYEE_ID_1] on 203.0.113.7');
  await expect(panel.getByTestId('dlp-tester-findings')).toContainText('1 email masked');
  await expect(panel.getByTestId('dlp-tester-findings')).toContainText('1 match of Employee ID masked');
  await expect(panel.getByTestId('dlp-tester-highlight').locator('mark')).toHaveText([
    'jane.doe@example.com',
    'EMP-123456',
  ]);

  // A block rule: the tester says the request would be refused.
  await panel.getByLabel('Rule 1 action').selectOption('block');
  await expect(panel.getByRole('alert').filter({ hasText: 'Blocked' })).toBeVisible();
  await expect(output).toHaveText('(not sent)');
  await panel.getByLabel('Rule 1 action').selectOption('mask');

  await panel.getByRole('button', { name: 'Save rules' }).click();
  await expect(panel.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  // 7 detectors, IP off, one custom rule.
  await expect(row.getByTestId('dlp-rules-enabled')).toHaveText('7');

  // Stored and reloaded.
  await page.reload();
  const again = page.getByTestId('dlp-policy-panel');
  await expect(again.getByLabel('Rule 1 pattern')).toHaveValue('EMP-\\d{6}');
  await expect(again.getByRole('switch', { name: 'IP addresses on' })).toHaveAttribute(
    'aria-checked',
    'false',
  );
  const status = await apiCall<{ data: StatusRow[] }>(request, admin, 'GET', '/llm/data-protection/status');
  expect(status.data.find((r) => r.key === `org:${org.id}`)).toMatchObject({
    enabled: true,
    rulesEnabled: 7,
  });

  // Off again.
  await row.getByRole('switch', { name: `Protection for ${org.name}` }).click();
  await expect(row.getByRole('switch', { name: `Protection for ${org.name}` })).toHaveAttribute(
    'aria-checked',
    'false',
  );
  expect(
    (await apiCall<{ piiProtection: boolean }>(request, admin, 'GET', `/orgs/${org.id}`)).piiProtection,
  ).toBe(false);
});

test('a viewer reads the rules without switches or save', async ({ page, request }, testInfo) => {
  const id = unique(testInfo);
  const admin = await apiToken(request);
  const org = await createOrg(request, admin, id);
  const viewer = await createUser(request, { email: `dlp-viewer-${id}@example.com`, role: 'viewer' });
  await signIn(page, viewer.email, viewer.password);
  await page.goto(`/data-protection?scope=org:${org.id}`);
  await expect(page.getByRole('note').filter({ hasText: 'Read-only' })).toBeVisible();
  const row = page.getByTestId('dlp-status-row').filter({ hasText: org.name });
  await expect(row).toContainText('off');
  await expect(row.getByRole('switch')).toHaveCount(0);
  const panel = page.getByTestId('dlp-policy-panel');
  await expect(panel.getByRole('button', { name: 'Save rules' })).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Add rule' })).toHaveCount(0);
  // The tester still works for a reader.
  await panel.getByLabel('Text to test').fill('call +44 20 7946 0958');
  await expect(panel.getByTestId('dlp-tester-output')).toHaveText('call [PHONE_1]');
});

/**
 * Through the gateway: a user of a protected org sends a prompt with an email; the activity shows it masked, its
 * Request cell opens the log entry, and the entry shows the masked body and the trace's "dlp:" line.
 */
test.describe('through the gateway', () => {
  test('a protected request shows up in the activity and opens its log entry', async ({
    page,
    request,
  }, testInfo) => {
    const id = unique(testInfo);
    const admin = await apiToken(request);
    const org = await createOrg(request, admin, id);
    const user = await createUser(request, { email: `dlp-user-${id}@example.com`, role: 'user' });
    await apiCall(request, admin, 'POST', `/orgs/${org.id}/members`, { userId: user.id, role: 'member' });
    await apiCall(request, admin, 'PATCH', `/llm/data-protection/status/org:${org.id}`, { enabled: true });
    // Bodies logged for this test (restored at its end): the log must show the protected form.
    await apiCall(request, admin, 'PUT', '/llm/settings', { bodyLogging: true });
    const userToken = await apiToken(request, user.email, user.password);
    const key = await apiCall<{ key: string }>(request, userToken, 'POST', '/me/keys', { name: `dlp ${id}` });

    const res = await request.post('/v1/chat/completions', {
      headers: { authorization: `Bearer ${key.key}` },
      data: {
        model: 'chat.default',
        messages: [{ role: 'user', content: 'Write to jane.doe@example.com please' }],
      },
    });
    expect(res.status(), await res.text()).toBe(200);

    let requestId = '';
    await expect
      .poll(
        async () => {
          const page1 = await apiCall<{ data: { requestId: string; detail: string }[] }>(
            request,
            admin,
            'GET',
            `/llm/data-protection/activity?org=${org.id}`,
          );
          requestId = page1.data[0]?.requestId ?? '';
          return page1.data.map((r) => r.detail);
        },
        { timeout: 15_000 },
      )
      .toContain('1 email masked');

    await signIn(page);
    await page.goto(`/data-protection?in=org`);
    const activity = page.getByTestId('dlp-activity-row').filter({ hasText: org.name });
    await expect(activity.first()).toContainText('1 email masked');
    await expect(page.getByTestId('dlp-status-row').filter({ hasText: org.name })).not.toContainText('never');
    await activity
      .first()
      .getByRole('button', { name: `Open the log entry of request ${requestId}` })
      .click();
    await expect(page).toHaveURL(/\/logs\?log=\d+/);
    const drawer = page.getByRole('dialog', { name: 'Request details' });
    await expect(drawer).toContainText(requestId);
    // The resolver trace says what protection did; the logged request holds the placeholder, never the value.
    await expect(drawer.getByTestId('log-dlp')).toContainText('dlp: 1 email masked');
    await drawer.getByText(/^Request \(/).click();
    await expect(drawer).toContainText('Write to [EMAIL_1] please');
    await expect(drawer).not.toContainText('jane.doe@example.com');
    await apiCall(request, admin, 'PUT', '/llm/settings', { bodyLogging: false });
  });
});
