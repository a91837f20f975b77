import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

/**
 * The e2e server starts with CONFIG_FILE (e2e/config/switchyard.yaml), which lists the built-in mock provider: its
 * card says "managed by config file" (others do not), and configuring it warns that the next apply overwrites.
 */
test('a provider listed in the config file shows its badge, and editing it warns', async ({ page }) => {
  await signIn(page);
  await page.goto('/providers');
  const mock = page.getByTestId('provider-card').filter({ hasText: 'Mock (built-in)' });
  await expect(mock.getByTestId('managed-badge')).toHaveText('managed by config file');
  await expect(page.getByTestId('managed-badge')).toHaveCount(1);
  await mock.getByRole('button', { name: 'Configure Mock (built-in)' }).click();
  await expect(page.getByRole('dialog').getByTestId('managed-notice')).toContainText(
    'the next `switchyard config apply` overwrites changes made here',
  );
});
