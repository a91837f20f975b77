import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { KebabMenu } from './menu';

describe('KebabMenu', () => {
  it('opens on the first item, moves with the arrow keys, runs a choice and closes; Escape returns to the button', async () => {
    const onSelect = vi.fn();
    render(
      <MemoryRouter>
        <KebabMenu
          label="More"
          items={[
            { label: 'Wizard', onSelect },
            { label: 'Logs', to: '/logs' },
            { label: 'API', to: '/api/v1/openapi.json', external: true },
          ]}
        />
      </MemoryRouter>,
    );
    const button = screen.getByRole('button', { name: 'More' });
    await userEvent.click(button);
    expect(screen.getByRole('menuitem', { name: 'Wizard' })).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    expect(screen.getByRole('menuitem', { name: 'Logs' })).toHaveFocus();
    expect(screen.getByRole('menuitem', { name: 'Logs' })).toHaveAttribute('href', '/logs');
    expect(screen.getByRole('menuitem', { name: 'API' })).toHaveAttribute('target', '_blank');
    await userEvent.keyboard('{ArrowUp}{ArrowUp}');
    expect(screen.getByRole('menuitem', { name: 'API' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(button).toHaveFocus();
    await userEvent.click(button);
    await userEvent.click(screen.getByRole('menuitem', { name: 'Wizard' }));
    expect(onSelect).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('menu')).toBeNull();
  });
});
