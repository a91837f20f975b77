import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from './env.js';

describe('loadEnv', () => {
  it('applies the embedded defaults', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(8787);
    expect(env.HOST).toBe('127.0.0.1');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.BODY_LIMIT).toBe(32 * 1024 * 1024);
    expect(env.BODY_MEMORY_LIMIT).toBe(512 * 1024 * 1024);
    expect(env.ADMIN_EMAIL).toBe('admin@localhost');
  });

  it.each([
    ['PORT', 'abc', /PORT: must be a number/],
    ['PORT', '70000', /PORT: must be between 1 and 65535/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: must be a postgresql:\/\/ URL/],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL: must be a redis:\/\/ URL/],
    ['SECRETS_KEY', 'c2hvcnQ=', /SECRETS_KEY: must be 32 bytes/],
    ['BODY_LIMIT', '150mb', /BODY_LIMIT: must be between 1 KiB and 100 MiB/],
    ['ADMIN_EMAIL', 'nope', /ADMIN_EMAIL: must be an email address/],
    ['SWITCHYARD_HEAP_GROWING_PERCENT', 'lots', /SWITCHYARD_HEAP_GROWING_PERCENT: must be a number/],
    ['SWITCHYARD_HEAP_GROWING_PERCENT', '900', /SWITCHYARD_HEAP_GROWING_PERCENT: must be between 0 and 400/],
    ['SWITCHYARD_NEW_SPACE_MB', 'big', /SWITCHYARD_NEW_SPACE_MB: must be a number/],
    ['SWITCHYARD_NEW_SPACE_MB', '4096', /SWITCHYARD_NEW_SPACE_MB: must be between 0 and 1024/],
  ])('rejects %s=%s with a one-line reason naming the variable', (name, value, message) => {
    let err: unknown;
    try {
      loadEnv({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvError);
    expect((err as EnvError).variable).toBe(name);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('parses sizes and treats empty strings as unset', () => {
    expect(loadEnv({ BODY_LIMIT: '4mb', PORT: '' }).BODY_LIMIT).toBe(4 * 1024 * 1024);
    expect(loadEnv({ PORT: '' }).PORT).toBe(8787);
  });
});
