import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Modal } from './modal';

function Form({ onClose }: { onClose: () => void }) {
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  return (
    // A new onClose on every render, as pages pass inline arrows.
    <Modal open onClose={() => onClose()} label="Form">
      <label htmlFor="a">A</label>
      <input id="a" value={a} onChange={(e) => setA(e.target.value)} />
      <label htmlFor="b">B</label>
      <input id="b" value={b} onChange={(e) => setB(e.target.value)} />
      <button type="button">Last</button>
    </Modal>
  );
}

describe('Modal', () => {
  it('focuses the first control, and typing in another one keeps focus there across re-renders', async () => {
    render(<Form onClose={vi.fn()} />);
    expect(screen.getByLabelText('A')).toHaveFocus();
    const b = screen.getByLabelText('B');
    await userEvent.click(b);
    await userEvent.keyboard('hello');
    expect(b).toHaveFocus();
    expect(b).toHaveValue('hello');
  });

  it('traps Tab inside the dialog and closes on Escape', async () => {
    const onClose = vi.fn();
    render(<Form onClose={onClose} />);
    const last = screen.getByRole('button', { name: 'Last' });
    last.focus();
    await userEvent.tab();
    expect(screen.getByLabelText('A')).toHaveFocus();
    await userEvent.tab({ shift: true });
    expect(last).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('gives focus back to what had it when it closes', async () => {
    function Opener() {
      const [open, setOpen] = useState(false);
      return (
        <>
          <button type="button" onClick={() => setOpen(true)}>
            Open
          </button>
          <Modal open={open} onClose={() => setOpen(false)} label="Form">
            <input aria-label="Inside" />
          </Modal>
        </>
      );
    }
    render(<Opener />);
    const opener = screen.getByRole('button', { name: 'Open' });
    await userEvent.click(opener);
    expect(screen.getByLabelText('Inside')).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(opener).toHaveFocus();
  });

  it('is a labelled modal dialog', () => {
    render(<Form onClose={vi.fn()} />);
    expect(screen.getByRole('dialog', { name: 'Form' })).toHaveAttribute('aria-modal', 'true');
  });
});
