import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, renderWithApp, stubApi } from '../../../test/render';
import { TraceDrawer } from './trace-drawer';

afterEach(() => vi.unstubAllGlobals());

const planned = (body: { n?: number }) => ({
  request: {
    requestId: null,
    model: 'fast-chat',
    endpoint: 'chat',
    promptTokens: 100,
    maxTokens: null,
    ...(body.n !== undefined && body.n > 1 ? { choices: body.n } : {}),
    stream: false,
    needs: ['chat'],
    headers: {},
    metadata: {},
    loggedInputs: null,
  },
  caller: { keyId: null, userId: null, orgId: null, powerLevel: null },
  ok: false,
  chosen: null,
  error: { code: 'no_candidates', message: 'nothing to plan' },
  trace: { lookup: { kind: 'alias' }, candidates: [], order: [], strategy: 'priority' },
  attempts: [],
  skipped: [],
});

function setup() {
  const calls = stubApi((method, path, body) => {
    if (path === '/auth/me') return { body: me('admin', []) };
    if (method === 'POST' && path === '/llm/routing/trace') return { body: planned(body as { n?: number }) };
    return undefined;
  });
  renderWithApp(<TraceDrawer open onClose={() => {}} suggestions={[]} />);
  const traced = () => calls.filter((c) => c.method === 'POST' && c.path === '/llm/routing/trace');
  return { traced };
}

describe('the trace form’s answers (n)', () => {
  it('sends the answers asked for, and nothing when left blank', async () => {
    const { traced } = setup();
    await userEvent.type(screen.getByLabelText('Model'), 'fast-chat');
    await userEvent.click(screen.getByRole('button', { name: 'Trace' }));
    await vi.waitFor(() => expect(traced()).toHaveLength(1));
    expect(traced()[0]!.body).not.toHaveProperty('n');

    await userEvent.type(screen.getByLabelText('Answers (n)'), '4');
    await userEvent.click(screen.getByRole('button', { name: 'Trace' }));
    await vi.waitFor(() => expect(traced()).toHaveLength(2));
    expect(traced()[1]!.body).toMatchObject({ model: 'fast-chat', endpoint: 'chat', n: 4 });
  });

  it('refuses an unreadable, out-of-range or non-chat count with a message on the field, sending nothing', async () => {
    const { traced } = setup();
    await userEvent.type(screen.getByLabelText('Model'), 'fast-chat');
    const n = screen.getByLabelText('Answers (n)');
    for (const [value, message] of [
      ['two', /must be a number/i],
      ['1.5', /must be a whole number/i],
      ['0', /must be at least 1/i],
      ['129', /must be at most 128/i],
    ] as const) {
      await userEvent.clear(n);
      await userEvent.type(n, value);
      await userEvent.click(screen.getByRole('button', { name: 'Trace' }));
      expect(await screen.findByText(message)).toBeVisible();
      expect(n).toHaveAttribute('aria-invalid', 'true');
    }
    await userEvent.clear(n);
    await userEvent.type(n, '3');
    await userEvent.selectOptions(screen.getByLabelText('Endpoint'), 'embeddings');
    await userEvent.click(screen.getByRole('button', { name: 'Trace' }));
    expect(await screen.findByText(/only a chat request asks for several answers/i)).toBeVisible();
    expect(traced()).toHaveLength(0);
  });
});
