import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.js';
import { isDatabaseUnavailable, toAppError } from './error-map.js';

const named = (name: string, props: Record<string, unknown> = {}, message = 'x') =>
  Object.assign(Object.assign(new Error(message), { name }), props);
const httpError = (status: number, type?: string, message = 'x') =>
  Object.assign(new Error(message), { status, statusCode: status, expose: true, ...(type ? { type } : {}) });

describe('toAppError', () => {
  it.each([
    ['body too large', httpError(413, 'entity.too.large'), 413, 'payload_too_large'],
    ['bad JSON', httpError(400, 'entity.parse.failed'), 400, 'invalid_json'],
    ['unknown content-encoding', httpError(415, 'encoding.unsupported'), 415, 'unsupported_encoding'],
    ['unknown charset', httpError(415, 'charset.unsupported'), 415, 'unsupported_charset'],
    [
      'corrupt gzip (zlib error wrapped as 400)',
      httpError(400, undefined, 'incorrect header check'),
      400,
      'bad_request',
    ],
    ['aborted request', httpError(400, 'request.aborted'), 400, 'bad_request'],
    [
      'malformed percent-encoding in a route parameter',
      Object.assign(new URIError("Failed to decode param '%E0%A4%A'"), { status: 400 }),
      400,
      'bad_request',
    ],
    ['a static file that is not there', httpError(404), 404, 'not_found'],
    [
      'Prisma unique violation',
      named('PrismaClientKnownRequestError', { code: 'P2002', meta: { target: ['email'] } }),
      409,
      'conflict',
    ],
    [
      'Prisma: server unreachable',
      named('PrismaClientKnownRequestError', { code: 'P1001' }),
      503,
      'database_unavailable',
    ],
    [
      'Prisma: connection closed',
      named('PrismaClientKnownRequestError', { code: 'P1017' }),
      503,
      'database_unavailable',
    ],
    [
      'Prisma: pool timeout',
      named('PrismaClientKnownRequestError', { code: 'P2024' }),
      503,
      'database_unavailable',
    ],
    ['Prisma could not start', named('PrismaClientInitializationError'), 503, 'database_unavailable'],
    [
      'driver adapter: socket refused',
      named('DriverAdapterError', { cause: { code: 'ECONNREFUSED' } }),
      503,
      'database_unavailable',
    ],
    [
      'driver adapter: admin shutdown',
      named('DriverAdapterError', { cause: { kind: 'postgres', code: '57P01' } }),
      503,
      'database_unavailable',
    ],
    [
      'unknown request error: connection terminated',
      named('PrismaClientUnknownRequestError', {}, 'Connection terminated unexpectedly'),
      503,
      'database_unavailable',
    ],
    ['embedded database closed', new Error('PGlite is closed'), 503, 'database_unavailable'],
  ])('%s', (_name, err, status, code) => {
    const mapped = toAppError(err);
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped).toMatchObject({ status, code });
    if (status === 503) expect(mapped!.headers?.['retry-after']).toMatch(/^\d+$/);
  });

  it('leaves real server faults (and an upstream provider refusing connections) to the 500 path', () => {
    expect(toAppError(new TypeError('x is undefined'))).toBeNull();
    expect(
      toAppError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })),
    ).toBeNull();
    expect(toAppError(named('PrismaClientKnownRequestError', { code: 'P2010' }))).toBeNull();
    expect(
      isDatabaseUnavailable(named('DriverAdapterError', { cause: { kind: 'postgres', code: '22P02' } })),
    ).toBe(false);
  });
});
