import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { CommandPalette, filterActions, type PaletteAction } from './command-palette';

const actions = (spy = vi.fn()): PaletteAction[] => [
  { id: 'a', label: 'Go to Overview', keywords: 'home dashboard', run: () => spy('overview') },
  { id: 'b', label: 'Go to Account', keywords: 'password', run: () => spy('account') },
  { id: 'c', label: 'Theme: Magic Unicorn', keywords: 'theme', run: () => spy('unicorn') },
];

describe('command palette', () => {
  it('filters on every word of the query, labels and keywords alike', () => {
    expect(filterActions(actions(), '').map((a) => a.id)).toEqual(['a', 'b', 'c']);
    expect(filterActions(actions(), 'pass').map((a) => a.id)).toEqual(['b']);
    expect(filterActions(actions(), 'go home').map((a) => a.id)).toEqual(['a']);
    expect(filterActions(actions(), 'zzz')).toEqual([]);
  });

  it('puts actions whose label matches before those matched by a keyword', () => {
    const list: PaletteAction[] = [
      { id: 'users', label: 'Go to Users', keywords: 'people accounts', run: () => {} },
      { id: 'account', label: 'Go to Account', keywords: 'password', run: () => {} },
    ];
    expect(filterActions(list, 'account').map((a) => a.id)).toEqual(['account', 'users']);
  });

  it('runs the highlighted action with arrow keys and Enter, and closes', () => {
    const spy = vi.fn();
    const onClose = vi.fn();
    render(<CommandPalette open onClose={onClose} actions={actions(spy)} />);
    const input = screen.getByLabelText('Search pages and actions');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(spy).toHaveBeenCalledWith('account');
    expect(onClose).toHaveBeenCalled();
  });

  it('closes on Escape', () => {
    const onClose = vi.fn();
    render(<CommandPalette open onClose={onClose} actions={actions()} />);
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
  });
});
