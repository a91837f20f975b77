import { describe, expect, it } from 'vitest';
import { ApiError, parseError } from './api-client';

describe('api client errors', () => {
  it('turns the error body into a typed ApiError with field errors', async () => {
    const res = new Response(
      JSON.stringify({
        error: {
          code: 'validation_error',
          message: 'email: must be an email address',
          details: { issues: [{ field: 'email', message: 'must be an email address' }] },
        },
      }),
      { status: 400 },
    );
    const err = await parseError(res);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      code: 'validation_error',
      message: 'email: must be an email address',
    });
    expect(err.fieldErrors()).toEqual({ email: 'must be an email address' });
  });
  it('copes with a body that is not JSON', async () => {
    const err = await parseError(
      new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    expect(err).toMatchObject({ status: 502, code: 'http_502' });
  });
});
