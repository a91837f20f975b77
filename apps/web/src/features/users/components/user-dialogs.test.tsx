import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render as rtlRender, screen } from '@testing-library/react';
import type { ReactElement } from 'react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../lib/api-client';
import { CreateUserDialog, EditUserDialog } from './user-dialogs';

// The edit form suggests models from the registry (a query): give it a client that fetches nothing.
const render = (ui: ReactElement) =>
  rtlRender(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { enabled: false } } })}>
      {ui}
    </QueryClientProvider>,
  );

describe('user dialogs', () => {
  it('adding: an unreadable cap is named next to its field; fixed, the API body goes out with the defaults', async () => {
    const submit = vi.fn(async () => undefined);
    render(<CreateUserDialog open onClose={vi.fn()} actorRole="admin" submit={submit} pending={false} />);
    await userEvent.type(screen.getByLabelText('Email'), ' Ada@Example.com ');
    await userEvent.type(screen.getByLabelText('Weekly cap (USD)'), 'lots');
    await userEvent.click(screen.getByRole('button', { name: 'Add user' }));
    expect(await screen.findByText('Must be a number')).toBeInTheDocument();
    expect(screen.getByLabelText('Weekly cap (USD)')).toHaveAttribute('aria-invalid', 'true');
    expect(submit).not.toHaveBeenCalled();

    await userEvent.clear(screen.getByLabelText('Weekly cap (USD)'));
    await userEvent.type(screen.getByLabelText('Weekly cap (USD)'), '$1,250');
    await userEvent.click(screen.getByRole('button', { name: 'Add user' }));
    expect(submit).toHaveBeenCalledWith({
      email: 'ada@example.com',
      role: 'user',
      powerLevel: 'balanced',
      weeklyCapUsd: 1250,
    });
  });

  it("editing: the user's values are filled in, a cleared cap is null, the API's field error shows", async () => {
    const submit = vi.fn(async () => {
      throw new ApiError(400, 'validation', 'bad', { issues: [{ field: 'name', message: 'is too long' }] });
    });
    const user = {
      id: 'u1',
      email: 'ada@example.com',
      name: 'Ada',
      role: 'viewer',
      powerLevel: 'eco',
      weeklyCapUsd: 40,
      defaultModel: 'eco',
      preferredProviders: ['groq', 'openai'],
    } as never;
    render(
      <EditUserDialog user={user} onClose={vi.fn()} actorRole="admin" submit={submit} pending={false} />,
    );
    expect(screen.getByLabelText('Name')).toHaveValue('Ada');
    expect(screen.getByLabelText('Role')).toHaveValue('viewer');
    expect(screen.getByLabelText('Power level')).toHaveValue('eco');
    expect(screen.getByLabelText('Preferred providers')).toHaveValue('groq, openai');
    await userEvent.clear(screen.getByLabelText('Weekly cap (USD)'));
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(submit).toHaveBeenCalledWith({
      name: 'Ada',
      role: 'viewer',
      powerLevel: 'eco',
      weeklyCapUsd: null,
      defaultModel: 'eco',
      preferredProviders: ['groq', 'openai'],
    });
    expect(await screen.findByText('Is too long')).toBeInTheDocument();
  });
});
