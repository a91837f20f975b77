import { expect, test } from '@playwright/test';
import { ADMIN } from '../playwright.config';
import { apiCall, apiToken, createUser, navigate, noHorizontalScroll, signIn, unique } from './helpers';

test('an admin creates a user, an organization with a member, and an app; the audit log shows each change', async ({
  page,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  const email = `ada-${id}@example.com`;
  const orgName = `Acme ${id}`;
  const appName = `Billing ${id}`;
  await signIn(page);

  // A user, with a generated password shown once.
  await navigate(page, isMobile, 'Users');
  await expect(page).toHaveURL(/\/users$/);
  await page.getByRole('button', { name: 'Add user' }).click();
  const newUser = page.getByRole('dialog', { name: 'Add a user' });
  await newUser.getByLabel('Email').fill('not-an-email');
  await newUser.getByRole('button', { name: 'Add user' }).click();
  await expect(newUser.getByText('Must be an email address')).toBeVisible();
  await newUser.getByLabel('Email').fill(email);
  await newUser.getByLabel('Name').fill(`Ada ${id}`);
  await newUser.getByLabel('Role').selectOption('user');
  await newUser.getByLabel('Weekly cap (USD)').fill('25');
  await newUser.getByRole('button', { name: 'Add user' }).click();
  const created = page.getByRole('dialog', { name: 'User added' });
  expect((await created.getByLabel('Password').inputValue()).length).toBeGreaterThanOrEqual(20);
  await created.getByRole('button', { name: 'Done' }).click();
  const userRow = page.getByTestId('user-row').filter({ hasText: email });
  await expect(userRow).toContainText('$25.00');
  await expect(userRow).toContainText('active');
  await noHorizontalScroll(page);

  // Edit: weekly cap and power level.
  await userRow.getByRole('button', { name: `Edit ${email}` }).click();
  const edit = page.getByRole('dialog', { name: `Edit ${email}` });
  await edit.getByLabel('Weekly cap (USD)').fill('40');
  await edit.getByLabel('Power level').selectOption('precision');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(userRow).toContainText('$40.00');
  await expect(userRow).toContainText('precision');

  // Search and status filters survive a reload.
  await page.getByLabel('Search').fill(id);
  await expect(page.getByTestId('user-row')).toHaveCount(1);
  await page.reload();
  await expect(page.getByLabel('Search')).toHaveValue(id);
  await expect(page.getByTestId('user-row')).toHaveCount(1);

  // An organization with a cap, rollover and PII protection, and the user as a member.
  await page.goto('/orgs');
  await page.getByRole('button', { name: 'Create organization' }).click();
  const newOrg = page.getByRole('dialog', { name: 'Create an organization' });
  await newOrg.getByLabel('Name').fill(orgName);
  await expect(newOrg.getByLabel('Slug')).toHaveValue(`acme-${id}`.toLowerCase());
  await newOrg.getByLabel('Roll over unspent cap').check();
  await newOrg.getByRole('button', { name: 'Create organization' }).click();
  await expect(newOrg.getByText('set a spend cap first')).toBeVisible();
  await newOrg.getByLabel('Monthly spend cap (USD)').fill('500');
  await newOrg.getByLabel('PII protection').check();
  await newOrg.getByRole('button', { name: 'Create organization' }).click();
  await expect(newOrg).toBeHidden();
  const orgRow = page.getByTestId('org-row').filter({ hasText: orgName });
  await expect(orgRow).toContainText('$500.00');
  await expect(orgRow).toContainText('on · $0.00 carried');

  await orgRow.getByRole('button', { name: `Members of ${orgName}` }).click();
  await expect(page).toHaveURL(/members=/);
  const members = page.getByRole('dialog', { name: `Members of ${orgName}` });
  await expect(members.getByText('No members yet.')).toBeVisible();
  await members.getByLabel('User', { exact: true }).selectOption({ label: `Ada ${id} (${email})` });
  await members.getByLabel('Member role').selectOption('admin');
  await members.getByRole('button', { name: 'Add member' }).click();
  await expect(members.getByRole('list', { name: 'Members' })).toContainText(email);
  // The open panel is a deep link.
  await page.reload();
  await expect(members.getByRole('list', { name: 'Members' })).toContainText(email);
  await noHorizontalScroll(page);
  await members.getByRole('button', { name: `Remove ${email}` }).click();
  await members.getByRole('button', { name: 'Yes, remove' }).click();
  await expect(members.getByText('No members yet.')).toBeVisible();
  await members.getByLabel('User', { exact: true }).selectOption({ label: `Ada ${id} (${email})` });
  await members.getByRole('button', { name: 'Add member' }).click();
  await expect(members.getByRole('list', { name: 'Members' })).toContainText(email);
  await page.keyboard.press('Escape');
  await expect(members).toBeHidden();
  await expect(page).not.toHaveURL(/members=/);
  await expect(orgRow.locator('td[data-label="Members"]')).toHaveText('1');

  // Suspend and reactivate, with a confirm.
  await orgRow.getByRole('button', { name: `Suspend ${orgName}` }).click();
  await page
    .getByRole('alertdialog', { name: 'Suspend this organization?' })
    .getByRole('button', { name: 'Suspend organization' })
    .click();
  await expect(orgRow).toContainText('suspended');
  await orgRow.getByRole('button', { name: `Reactivate ${orgName}` }).click();
  await expect(orgRow).not.toContainText('suspended');

  // An app in that organization.
  await page.goto('/apps');
  await page.getByRole('button', { name: 'Create app' }).click();
  const newApp = page.getByRole('dialog', { name: 'Create an app' });
  await newApp.getByLabel('Name').fill(appName);
  await newApp.getByLabel('Description').fill('Invoices and receipts');
  await newApp.getByLabel('Contact email').fill(`billing-${id}@example.com`);
  await newApp.getByLabel('Organization').selectOption({ label: `${orgName} (acme-${id.toLowerCase()})` });
  await newApp.getByRole('button', { name: 'Create app' }).click();
  await expect(newApp).toBeHidden();
  const appRow = page.getByTestId('app-row').filter({ hasText: appName });
  await expect(appRow).toContainText(orgName);
  await expect(appRow).toContainText('active');
  await appRow.getByRole('button', { name: `Deactivate ${appName}` }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Deactivate app' }).click();
  await expect(appRow).toContainText('inactive');
  await noHorizontalScroll(page);

  // Suspend the user.
  await page.goto(`/users?q=${encodeURIComponent(id)}`);
  await page
    .getByTestId('user-row')
    .getByRole('button', { name: `Suspend ${email}` })
    .click();
  await page
    .getByRole('alertdialog', { name: 'Suspend this user?' })
    .getByRole('button', { name: 'Suspend user' })
    .click();
  await expect(page.getByTestId('user-row')).toContainText('suspended');

  // The audit log: the admin's changes, filterable, with before/after.
  await navigate(page, isMobile, 'Audit log');
  await expect(page).toHaveURL(/\/audit$/);
  const filters = page.getByRole('search', { name: 'Audit filters' });
  await filters.getByLabel('Actor').fill(ADMIN.email);
  await filters.getByLabel('Entity type').fill('Organization');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/actor=admin%40localhost/);
  await expect(page).toHaveURL(/entityType=Organization/);
  const rows = page.getByTestId('audit-row');
  await expect(rows.first()).toContainText('org.');
  for (const action of ['org.create', 'org.update', 'org.member.add', 'org.member.remove'])
    await expect(rows.filter({ hasText: action }).first()).toBeVisible();
  await expect(rows.filter({ hasText: 'user.create' })).toHaveCount(0);
  await page.reload();
  await expect(filters.getByLabel('Entity type')).toHaveValue('Organization');
  await expect(rows.filter({ hasText: 'org.create' }).first()).toBeVisible();

  await filters.getByLabel('Entity type').fill('');
  await filters.getByLabel('Action', { exact: true }).fill('user.create');
  await filters.getByRole('button', { name: 'Apply' }).click();
  const userCreated = rows.filter({ hasText: 'user.create' }).first();
  await userCreated.getByRole('button', { name: /Details of user.create/ }).click();
  await expect(page.getByText(email).first()).toBeVisible();

  const today = new Date();
  const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  await filters.getByLabel('Action', { exact: true }).fill('');
  await filters.getByLabel('Actor').fill('');
  await filters.getByLabel('From').fill(day);
  await filters.getByLabel('To', { exact: true }).fill(day);
  await filters.getByRole('button', { name: 'Apply' }).click();
  for (const action of [
    'user.create',
    'user.update',
    'user.suspend',
    'app.create',
    'app.update',
    'org.create',
  ])
    await expect(rows.filter({ hasText: action }).first()).toBeVisible();
  await noHorizontalScroll(page);

  // Deleting an app asks first.
  await page.goto(`/apps?q=${encodeURIComponent(id)}`);
  await page.getByRole('button', { name: `Delete ${appName}` }).click();
  const del = page.getByRole('alertdialog', { name: 'Delete this app?' });
  await del.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('app-row')).toHaveCount(1);
  await page.getByRole('button', { name: `Delete ${appName}` }).click();
  await del.getByRole('button', { name: 'Delete app' }).click();
  await expect(page.getByText('No apps match these filters.')).toBeVisible();
});

test('the audit log pages with "Load more", and a deep link keeps its filter', async ({
  page,
  request,
}, testInfo) => {
  const id = unique(testInfo);
  const target = await createUser(request, { email: `audited-${id}@example.com`, role: 'user' });
  const token = await apiToken(request);
  // 1 create + 54 updates: more than one page of 50.
  for (let i = 0; i < 54; i++)
    await apiCall(request, token, 'PATCH', `/users/${target.id}`, { weeklyCapUsd: i + 1 });
  await signIn(page);
  await page.goto(`/audit?entityId=${target.id}`);
  const rows = page.getByTestId('audit-row');
  await expect(rows).toHaveCount(50);
  await expect(page.getByRole('status')).toContainText('50 entries shown; there are more');
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(rows).toHaveCount(55);
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);
  await expect(rows.last()).toContainText('user.create');
  await expect(page.getByRole('search', { name: 'Audit filters' }).getByLabel('Entity ID')).toHaveValue(
    target.id,
  );
  await noHorizontalScroll(page);
});

test('a viewer sees the operations pages without any button that changes something', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  const viewer = await createUser(request, { email: `viewer-${id}@example.com`, role: 'viewer' });
  await signIn(page, viewer.email, viewer.password);
  const pages: [string, string, RegExp][] = [
    ['LLM gateway › Keys', '/llm/keys', /Create key|Revoke |Rotate the key|Set a key for|Add LLM key/],
    ['Users', '/users', /Add user|Edit |Suspend |Reactivate /],
    ['Organizations', '/orgs', /Create organization|Edit |Suspend |Reactivate |Delete /],
    ['Apps', '/apps', /Create app|Edit |Deactivate |Activate |Delete /],
  ];
  for (const [label, path, mutate] of pages) {
    await navigate(page, isMobile, label);
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(page.getByRole('note').filter({ hasText: 'Read-only' })).toBeVisible();
    await expect(page.getByRole('main').getByRole('table').or(page.getByText(/yet\./)).first()).toBeVisible();
    await expect(page.getByRole('main').getByRole('button', { name: mutate })).toHaveCount(0);
    await noHorizontalScroll(page);
  }
  // Members can be looked at, not changed.
  await page.goto('/orgs');
  const firstOrg = page.getByTestId('org-row').first();
  if ((await firstOrg.count()) > 0) {
    await firstOrg.getByRole('button', { name: /^Members of / }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: /Add member|Remove / })).toHaveCount(0);
    await page.keyboard.press('Escape');
  }
  // The audit log is readable; the viewer's own keys are still theirs to manage.
  await navigate(page, isMobile, 'Audit log');
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  await navigate(page, isMobile, 'My keys');
  await expect(page.getByRole('button', { name: 'Create key' })).toBeVisible();
});

test('a user sees only their own pages in the navigation', async ({ page, request, isMobile }, testInfo) => {
  const id = unique(testInfo);
  const user = await createUser(request, { email: `plain-${id}@example.com`, role: 'user' });
  await signIn(page, user.email, user.password);
  if (isMobile) await page.getByRole('button', { name: 'Open navigation' }).click();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'My keys' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'My provider keys' })).toBeVisible();
  for (const hidden of ['LLM gateway', 'Users', 'Organizations', 'Apps', 'Audit log'])
    await expect(nav.getByRole('link', { name: hidden, exact: true })).toHaveCount(0);
  // A deep link to an admin page explains the refusal once (no failing panels, nothing to retry).
  await page.goto('/users');
  await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);
});
