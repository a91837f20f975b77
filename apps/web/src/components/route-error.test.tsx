import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, UNREACHABLE_MESSAGE, unreachable } from '../lib/api-client';
import { RouteError } from './route-error';

function Boom({ error }: { error: unknown }): never {
  throw error;
}

const renderError = (error: unknown) => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  const router = createMemoryRouter([
    { path: '/', element: <Boom error={error} />, errorElement: <RouteError /> },
  ]);
  render(<RouterProvider router={router} />);
};

describe('route error', () => {
  it('a page chunk that is gone asks for a reload', () => {
    renderError(new Error('Failed to fetch dynamically imported module: /assets/x.js'));
    expect(screen.getByRole('alert')).toHaveTextContent('Reload to get the new version');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
  it('any other error shows its message', () => {
    renderError(new Error('kaput'));
    expect(screen.getByRole('alert')).toHaveTextContent('kaput');
  });
  it('an API that does not answer is "Can\'t reach Switchyard", never "Failed to fetch"', () => {
    const err = unreachable(new TypeError('Failed to fetch'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 0, code: 'unreachable', message: UNREACHABLE_MESSAGE });
    renderError(err);
    expect(screen.getByRole('heading', { name: "Can't reach Switchyard" })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent('Failed to fetch');
    expect(document.title).toBe("Can't reach Switchyard · Switchyard");
  });
  it('an aborted request stays an abort (not shown as unreachable)', () => {
    const abort = new DOMException('The operation was aborted.', 'AbortError');
    expect(unreachable(abort)).toBe(abort);
  });
});
