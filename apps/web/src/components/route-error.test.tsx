import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { RouteError } from './route-error';

function Boom({ message }: { message: string }): never {
  throw new Error(message);
}

describe('route error', () => {
  it('a page chunk that is gone asks for a reload', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const router = createMemoryRouter([{ path: '/', element: <Boom message="Failed to fetch dynamically imported module: /assets/x.js" />, errorElement: <RouteError /> }]);
    render(<RouterProvider router={router} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Reload to get the new version');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
  it('any other error shows its message', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const router = createMemoryRouter([{ path: '/', element: <Boom message="kaput" />, errorElement: <RouteError /> }]);
    render(<RouterProvider router={router} />);
    expect(screen.getByRole('alert')).toHaveTextContent('kaput');
  });
});
