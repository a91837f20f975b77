import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReplayDeadLettersButton } from './replay-dead-letters-button';

afterEach(() => vi.restoreAllMocks());

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

describe('retrying the usage records the database refused', () => {
  it('replays every batch (going on from each answer) and says what was written and what is still refused', async () => {
    const bodies: unknown[] = [];
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
      const body = JSON.parse(String(init?.body)) as { after?: string };
      bodies.push(body);
      return json(
        body.after === undefined
          ? { replayed: 200, refused: 0, next: '200' }
          : { replayed: 5, refused: 2, next: null },
      );
    });
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ReplayDeadLettersButton />
      </QueryClientProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: /Retry writing them/ }));
    expect(await screen.findByTestId('dead-letter-replay-result')).toHaveTextContent(
      /205 records written; 2 records still refused \(kept, with the database's new error\)\./,
    );
    expect(String(fetchSpy.mock.calls[0]![0])).toMatch(/\/api\/v1\/llm\/usage\/dead-letters\/replay$/);
    expect(fetchSpy.mock.calls[0]![1]?.method).toBe('POST');
    expect(bodies).toEqual([{}, { after: '200' }]);
  });
});
