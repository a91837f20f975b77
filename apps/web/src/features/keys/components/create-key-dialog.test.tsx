import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../lib/api-client';
import { CreateKeyDialog } from './create-key-dialog';

const owners = {
  user: [{ id: 'u1', label: 'ada@example.com' }],
  org: [{ id: 'o1', label: 'Acme (acme)' }],
  app: [],
};

describe('create-key dialog', () => {
  it('shows each error next to its field and does not submit', async () => {
    const submit = vi.fn();
    render(<CreateKeyDialog open onClose={vi.fn()} owners={owners} submit={submit} pending={false} />);
    await userEvent.type(screen.getByLabelText('Requests per minute (RPM)'), 'fast');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(submit).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('Is required');
    expect(screen.getByLabelText('Requests per minute (RPM)')).toHaveAccessibleDescription(
      'Must be a number',
    );
    expect(screen.getByLabelText('Owner')).toHaveAccessibleDescription('Choose the owner');
    expect(screen.getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
  });

  it('submits the body the API expects for an organization key', async () => {
    const submit = vi.fn().mockResolvedValue(undefined);
    render(<CreateKeyDialog open onClose={vi.fn()} owners={owners} submit={submit} pending={false} />);
    await userEvent.type(screen.getByLabelText('Name'), 'acme-ci');
    await userEvent.selectOptions(screen.getByLabelText('Owner type'), 'org');
    expect(screen.getByLabelText('Owner')).toHaveAccessibleDescription('');
    await userEvent.selectOptions(screen.getByLabelText('Owner'), 'o1');
    await userEvent.type(screen.getByLabelText('Tokens per minute (TPM)'), '50000');
    await userEvent.type(screen.getByLabelText('Allowed models'), 'chat.default');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(submit).toHaveBeenCalledWith({
      name: 'acme-ci',
      ownerType: 'org',
      ownerId: 'o1',
      tpmLimit: 50000,
      allowedModels: ['chat.default'],
    });
  });

  it('puts the API’s field errors next to the fields, other errors under the form', async () => {
    const submit = vi
      .fn()
      .mockRejectedValueOnce(
        new ApiError(400, 'validation_error', 'ownerId: no user with this id', {
          issues: [{ field: 'ownerId', message: 'no user with this id' }],
        }),
      )
      .mockRejectedValueOnce(new ApiError(500, 'internal', 'The database is down.'));
    render(<CreateKeyDialog open onClose={vi.fn()} owners={owners} submit={submit} pending={false} />);
    await userEvent.type(screen.getByLabelText('Name'), 'k');
    await userEvent.selectOptions(screen.getByLabelText('Owner'), 'u1');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(await screen.findByText('No user with this id')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The database is down.');
  });

  it('takes an IP allow-list and shows a wrong entry next to the field', async () => {
    const submit = vi.fn().mockResolvedValue(undefined);
    render(<CreateKeyDialog open onClose={vi.fn()} submit={submit} pending={false} />);
    await userEvent.type(screen.getByLabelText('Name'), 'office');
    const ips = screen.getByLabelText('Allowed IPs');
    await userEvent.type(ips, '203.0.113.0/24, hq');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(submit).not.toHaveBeenCalled();
    expect(ips).toHaveAccessibleDescription(/"hq" is not an IP address or CIDR range/);
    await userEvent.clear(ips);
    await userEvent.type(ips, '203.0.113.0/24, 2001:db8::1');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(submit).toHaveBeenCalledWith({ name: 'office', ipAllowlist: ['203.0.113.0/24', '2001:db8::1'] });
  });

  it('one’s own key has no owner fields', () => {
    render(<CreateKeyDialog open onClose={vi.fn()} submit={vi.fn()} pending={false} />);
    expect(screen.queryByLabelText('Owner type')).toBeNull();
  });
});
