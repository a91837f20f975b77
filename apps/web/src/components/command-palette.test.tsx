import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen } from '@testing-library/react';
import type { Permission } from '@switchyard/core';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, stubApi } from '../test/render';
import { CommandPalette, filterActions, searchableKinds, type PaletteAction } from './command-palette';

const actions = (spy = vi.fn()): PaletteAction[] => [
  { id: 'a', label: 'Go to Overview', keywords: 'home dashboard', run: () => spy('overview') },
  { id: 'b', label: 'Go to Account', keywords: 'password', run: () => spy('account') },
  { id: 'c', label: 'Theme: Magic Unicorn', keywords: 'theme', run: () => spy('unicorn') },
];

function wrap(ui: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );
}

const ADMIN_PERMS: Permission[] = ['models:read', 'users:read', 'providers:read', 'usage:read-any'];

afterEach(() => vi.unstubAllGlobals());

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
    wrap(<CommandPalette open onClose={onClose} actions={actions(spy)} />);
    const input = screen.getByLabelText('Search pages and actions');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(spy).toHaveBeenCalledWith('account');
    expect(onClose).toHaveBeenCalled();
  });

  it('closes on Escape', () => {
    const onClose = vi.fn();
    wrap(<CommandPalette open onClose={onClose} actions={actions()} />);
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
  });

  it('finds models, users and providers through the API for an operator', async () => {
    const calls = stubApi((method, path) => {
      if (path.startsWith('/llm/models'))
        return {
          body: { data: [{ id: 'm1', ref: 'openai/gpt-4o', modelId: 'gpt-4o', displayName: 'GPT-4o' }] },
        };
      if (path.startsWith('/users'))
        return { body: { data: [{ id: 'u1', email: 'gpt.fan@example.com', name: 'Gee', role: 'user' }] } };
      if (path === '/llm/providers')
        return {
          body: {
            data: [
              { id: 'p1', name: 'GPT Proxy', slug: 'gpt-proxy', type: 'custom' },
              { id: 'p2', name: 'Anthropic', slug: 'anthropic', type: 'anthropic' },
            ],
          },
        };
      return undefined;
    });
    wrap(<CommandPalette open onClose={() => {}} actions={actions()} me={me('admin', ADMIN_PERMS)} />);
    fireEvent.change(screen.getByLabelText('Search pages and actions'), { target: { value: 'gpt' } });
    expect(await screen.findByRole('button', { name: /GPT-4o · openai\/gpt-4o/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Gee · gpt.fan@example.com/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /GPT Proxy \(gpt-proxy\)/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Anthropic/ })).not.toBeInTheDocument();
    expect(calls.map((c) => c.path).sort()).toEqual([
      '/llm/models?search=gpt&limit=5',
      '/llm/providers',
      '/users?search=gpt',
    ]);
  });

  it('asks the API only for what the role may see: a user searches no users, models or providers', async () => {
    const calls = stubApi(() => ({ body: { data: [] } }));
    const user = me('user', ['models:read', 'usage:own']);
    expect(searchableKinds(user)).toEqual({ models: false, users: false, providers: false });
    expect(searchableKinds(me('viewer', ADMIN_PERMS))).toEqual({
      models: true,
      users: true,
      providers: true,
    });
    wrap(<CommandPalette open onClose={() => {}} actions={actions()} me={user} />);
    fireEvent.change(screen.getByLabelText('Search pages and actions'), { target: { value: 'account' } });
    expect(await screen.findByRole('button', { name: 'Go to Account' })).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toEqual([]);
  });
});
