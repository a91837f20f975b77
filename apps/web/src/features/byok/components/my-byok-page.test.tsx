import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, renderWithApp, stubApi } from '../../../test/render';
import { MyByokPage } from './my-byok-page';

afterEach(() => vi.unstubAllGlobals());

const key = (status: string) => ({
  providerId: 'p1',
  provider: { slug: 'openai', name: 'OpenAI', type: 'openai' },
  label: null,
  last4: 'k9z1',
  status,
  lastError: null,
  lastTestedAt: null,
  createdAt: '2030-01-01T00:00:00Z',
  updatedAt: '2030-01-01T00:00:00Z',
});

describe('my provider keys', () => {
  it('turns my key off (it says it is not used) and back on', async () => {
    let current = key('active');
    const calls = stubApi((method, path, body) => {
      if (path === '/auth/me') return { body: me('user', ['byok:own']) };
      if (method === 'GET' && path === '/me/byok') return { body: { data: [current] } };
      if (method === 'GET' && path === '/me/byok/providers') return { body: { data: [] } };
      if (method === 'PATCH' && path === '/me/byok/p1') {
        current = key((body as { status: string }).status);
        return { body: current };
      }
      return undefined;
    });
    renderWithApp(<MyByokPage />);
    const row = await screen.findByTestId('byok-row');
    await userEvent.click(await within(row).findByRole('button', { name: 'Turn off OpenAI key' }));
    await waitFor(() => expect(screen.getByTestId('byok-row')).toHaveTextContent('disabled'));
    expect(screen.getByTestId('byok-row')).toHaveTextContent('turned off: not used until you turn it on');
    await userEvent.click(
      within(screen.getByTestId('byok-row')).getByRole('button', { name: 'Turn on OpenAI key' }),
    );
    await waitFor(() => expect(screen.getByTestId('byok-row')).not.toHaveTextContent('disabled'));
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([
      { status: 'disabled' },
      { status: 'active' },
    ]);
  });

  it("shows the API's refusal of a key's shape next to the key field, not under the form", async () => {
    const calls = stubApi((method, path) => {
      if (path === '/auth/me') return { body: me('user', ['byok:own']) };
      if (method === 'GET' && path === '/me/byok') return { body: { data: [key('active')] } };
      if (method === 'GET' && path === '/me/byok/providers') return { body: { data: [] } };
      if (method === 'PUT' && path === '/me/byok/p1') {
        const message = 'a AWS Bedrock key is accessKeyId:secretAccessKey[:sessionToken]';
        return {
          status: 400,
          body: {
            error: {
              code: 'validation_error',
              message: `apiKey: ${message}`,
              details: { field: 'apiKey', issues: [{ field: 'apiKey', message }] },
            },
          },
        };
      }
      return undefined;
    });
    renderWithApp(<MyByokPage />);
    const row = await screen.findByTestId('byok-row');
    await userEvent.click(within(row).getByRole('button', { name: 'Rotate OpenAI key' }));
    const field = await screen.findByLabelText('New API key');
    await userEvent.type(field, 'not-an-aws-key-at-all');
    await userEvent.click(screen.getByRole('button', { name: 'Replace key' }));
    await waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    expect(field).toHaveAccessibleDescription(/key is accessKeyId:secretAccessKey/);
    expect(screen.queryByText(/apiKey:/)).toBeNull();
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
  });
});
