import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../lib/api-client';
import { AppDialog } from './app-dialog';

const orgs = [{ id: 'o1', label: 'Acme (acme)' }];

describe('AppDialog', () => {
  it('sends blank optional fields as null, checkboxes as booleans, and the slug follows the name', async () => {
    const submit = vi.fn(async () => undefined);
    render(<AppDialog open onClose={vi.fn()} orgs={orgs} pending={false} submit={submit} />);
    await userEvent.type(screen.getByLabelText('Name'), 'Billing Service');
    expect(screen.getByLabelText('Slug')).toHaveValue('billing-service');
    await userEvent.click(screen.getByRole('button', { name: 'Create app' }));
    expect(submit).toHaveBeenCalledWith({
      name: 'Billing Service',
      slug: 'billing-service',
      description: null,
      contactEmail: null,
      orgId: null,
      active: true,
      piiProtection: false,
      region: null,
    });
  });

  it('names a bad contact email next to the field and sends nothing', async () => {
    const submit = vi.fn(async () => undefined);
    render(<AppDialog open onClose={vi.fn()} orgs={orgs} pending={false} submit={submit} />);
    await userEvent.type(screen.getByLabelText('Name'), 'Billing');
    await userEvent.type(screen.getByLabelText('Contact email'), 'nobody');
    await userEvent.click(screen.getByRole('button', { name: 'Create app' }));
    expect(await screen.findByText('Must be an email address')).toBeInTheDocument();
    expect(screen.getByLabelText('Contact email')).toHaveAttribute('aria-invalid', 'true');
    expect(submit).not.toHaveBeenCalled();
  });

  it('edits an app: its values are filled in, a cleared description is null, the API field error shows', async () => {
    const submit = vi.fn(async () => {
      throw new ApiError(409, 'conflict', 'slug taken', {
        issues: [{ field: 'slug', message: 'this slug is already taken' }],
      });
    });
    const app = {
      id: 'a1',
      name: 'Billing',
      slug: 'billing',
      description: 'Pays',
      contactEmail: null,
      orgId: 'o1',
      active: false,
      piiProtection: true,
    } as never;
    render(<AppDialog open app={app} onClose={vi.fn()} orgs={orgs} pending={false} submit={submit} />);
    expect(screen.getByLabelText('Organization')).toHaveValue('o1');
    expect(screen.getByLabelText('Active')).not.toBeChecked();
    await userEvent.clear(screen.getByLabelText('Description'));
    await userEvent.type(screen.getByLabelText('Routing region'), 'EU-West');
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(submit).toHaveBeenCalledWith({
      name: 'Billing',
      slug: 'billing',
      description: null,
      contactEmail: null,
      orgId: 'o1',
      active: false,
      piiProtection: true,
      region: 'eu-west',
    });
    expect(await screen.findByText('This slug is already taken')).toBeInTheDocument();
  });
});
