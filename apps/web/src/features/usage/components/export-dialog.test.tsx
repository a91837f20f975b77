import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExportDialog } from './export-dialog';

afterEach(() => vi.restoreAllMocks());

describe('ExportDialog', () => {
  it('refuses a range that ends before it starts, next to "To", and fetches nothing', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    render(<ExportDialog open onClose={vi.fn()} scope="self" />);
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-03-10' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-03-01' } });
    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    expect(await screen.findByText('Must not be before "From"')).toBeInTheDocument();
    expect(screen.getByLabelText('To')).toHaveAttribute('aria-invalid', 'true');
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
