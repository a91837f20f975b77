import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, renderWithApp, stubApi } from '../../../test/render';
import { PreferencesCard } from './preferences-card';

afterEach(() => vi.unstubAllGlobals());

describe('routing preferences on My account', () => {
  it('shows mine, saves a default model and a ranked provider list, and names an unknown provider', async () => {
    const calls = stubApi((m, p, body) => {
      if (p === '/auth/me') return { body: me('user', ['self:read', 'self:write', 'models:read']) };
      if (m === 'GET' && p === '/me/preferences')
        return { body: { defaultModel: null, preferredProviders: ['groq'] } };
      if (m === 'GET' && p.startsWith('/llm/models'))
        return { body: { data: [], total: 0, limit: 500, offset: 0 } };
      if (m === 'PUT' && p === '/me/preferences') {
        const b = body as { preferredProviders: string[] };
        if (b.preferredProviders.includes('nope'))
          return {
            status: 400,
            body: {
              error: {
                code: 'validation',
                message: 'preferredProviders: no provider with the slug nope',
                details: {
                  issues: [{ field: 'preferredProviders', message: 'no provider with the slug nope' }],
                },
              },
            },
          };
        return { body };
      }
      return undefined;
    });
    renderWithApp(<PreferencesCard />, { path: '/account' });
    const form = await screen.findByRole('form', { name: 'Routing preferences' });
    const providers = within(form).getByLabelText('Preferred providers');
    expect(providers).toHaveValue('groq');
    await userEvent.type(within(form).getByLabelText('Default model'), 'balanced');
    await userEvent.clear(providers);
    await userEvent.type(providers, 'openai, groq');
    await userEvent.click(within(form).getByRole('button', { name: 'Save preferences' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
        defaultModel: 'balanced',
        preferredProviders: ['openai', 'groq'],
      }),
    );
    expect(await screen.findByText('Preferences saved.')).toBeInTheDocument();

    const again = await screen.findByRole('form', { name: 'Routing preferences' });
    await userEvent.clear(within(again).getByLabelText('Preferred providers'));
    await userEvent.type(within(again).getByLabelText('Preferred providers'), 'nope');
    await userEvent.click(within(again).getByRole('button', { name: 'Save preferences' }));
    expect(await screen.findByText(/no provider with the slug nope/i)).toBeInTheDocument();
  });
});
