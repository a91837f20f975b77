import { fireEvent, render, screen } from '@testing-library/react';
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

  it('traps Tab inside the dialog and closes on Escape', () => {
    const onClose = vi.fn();
    render(<Form onClose={onClose} />);
    const last = screen.getByRole('button', { name: 'Last' });
    last.focus();
    fireEvent.keyDown(document, { key: 'Tab' });
    expect(screen.getByLabelText('A')).toHaveFocus();
    fireEvent.keyDown(document, { key: 'Tab', shiftKey: true });
    expect(last).toHaveFocus();
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('is a labelled modal dialog', () => {
    render(<Form onClose={vi.fn()} />);
    expect(screen.getByRole('dialog', { name: 'Form' })).toHaveAttribute('aria-modal', 'true');
  });
});
