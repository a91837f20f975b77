import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv, OTEL_SAMPLERS } from './env.js';

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

  it('starts whatever NODE_ENV says: the gateway reads nothing from it, so it refuses no value of it', () => {
    for (const v of ['staging', 'production', 'development', 'test'])
      expect(loadEnv({ NODE_ENV: v }).PORT).toBe(8787);
  });

  it.each([
    ['PORT', 'abc', /PORT: must be a number/],
    ['PORT', '70000', /PORT: must be between 1 and 65535/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: must be a postgresql:\/\/ URL/],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL: must be a redis:\/\/ URL/],
    ['SECRETS_KEY', 'c2hvcnQ=', /SECRETS_KEY: must be 32 bytes/],
    ['BODY_LIMIT', '150mb', /BODY_LIMIT: must be between 1 KiB and 100 MiB/],
    ['ADMIN_EMAIL', 'nope', /ADMIN_EMAIL: must be an email address/],
    ['METRICS_TOKEN', 'short', /METRICS_TOKEN: must be at least 16 characters/],
    [
      'OTEL_TRACES_SAMPLER',
      'sometimes',
      /OTEL_TRACES_SAMPLER: must be one of always_on, always_off, traceidratio/,
    ],
    [
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'grpc',
      /OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported: use http\/protobuf or http\/json/,
    ],
    [
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
      'http/xml',
      /OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: must be one of http\/protobuf, http\/json/,
    ],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5', /OTEL_TRACES_SAMPLER_ARG: must be a number from 0 to 1/],
    ['OTEL_TRACES_SAMPLER_ARG', 'half', /OTEL_TRACES_SAMPLER_ARG: must be a number from 0 to 1/],
    [
      'CORS_ORIGINS',
      'https://ok.example, app.example.com',
      /CORS_ORIGINS: "app.example.com" is not an origin/,
    ],
    [
      'CORS_ORIGINS',
      'https://app.example.com/path',
      /CORS_ORIGINS: "https:\/\/app.example.com\/path" is not an origin/,
    ],
    ['CORS_ORIGINS', 'ftp://files.example', /CORS_ORIGINS: "ftp:\/\/files.example" is not an origin/],
    [
      'PROXY_IP_ALLOWLIST',
      '10.0.0.0/8, office',
      /PROXY_IP_ALLOWLIST: "office" is not an IP address or CIDR range/,
    ],
    [
      'PROXY_IP_ALLOWLIST',
      '10.0.0.0/33',
      /PROXY_IP_ALLOWLIST: "10.0.0.0\/33" is not an IP address or CIDR range/,
    ],
    ['METRICS_TOKEN', 'has a space in it, 0123', /METRICS_TOKEN: must be printable ASCII without spaces/],
    ['SWITCHYARD_HEAP_GROWING_PERCENT', 'lots', /SWITCHYARD_HEAP_GROWING_PERCENT: must be a number/],
    ['SWITCHYARD_HEAP_GROWING_PERCENT', '900', /SWITCHYARD_HEAP_GROWING_PERCENT: must be between 0 and 400/],
    ['SWITCHYARD_NEW_SPACE_MB', 'big', /SWITCHYARD_NEW_SPACE_MB: must be a number/],
    ['SWITCHYARD_NEW_SPACE_MB', '4096', /SWITCHYARD_NEW_SPACE_MB: must be between 0 and 1024/],
    ['USAGE_RETENTION_DAYS', '0', /USAGE_RETENTION_DAYS: must be between 1 and 36500 days/],
    ['USAGE_RETENTION_DAYS', '30.5', /USAGE_RETENTION_DAYS: must be a whole number of days/],
    ['USAGE_RETENTION_DAYS', 'a month', /USAGE_RETENTION_DAYS: must be a number of days/],
    ['USAGE_RETENTION_BATCH_SIZE', '10', /USAGE_RETENTION_BATCH_SIZE: must be between 100 and 1000000/],
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

  it('reads CORS_ORIGINS and PROXY_IP_ALLOWLIST as trimmed comma lists; unset means none', () => {
    const env = loadEnv({
      CORS_ORIGINS: ' https://App.Example.com , http://localhost:5173/,',
      PROXY_IP_ALLOWLIST: '10.0.0.0/8, 2001:db8::/32 ,203.0.113.7',
    });
    expect(env.CORS_ORIGINS).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(env.PROXY_IP_ALLOWLIST).toEqual(['10.0.0.0/8', '2001:db8::/32', '203.0.113.7']);
    expect(loadEnv({}).CORS_ORIGINS).toBeUndefined();
    expect(loadEnv({}).PROXY_IP_ALLOWLIST).toBeUndefined();
  });

  it('keeps usage forever unless USAGE_RETENTION_DAYS is set', () => {
    expect(loadEnv({}).USAGE_RETENTION_DAYS).toBeUndefined();
    expect(loadEnv({ USAGE_RETENTION_DAYS: '' }).USAGE_RETENTION_DAYS).toBeUndefined();
    expect(loadEnv({ USAGE_RETENTION_DAYS: '90' }).USAGE_RETENTION_DAYS).toBe(90);
    expect(loadEnv({}).USAGE_RETENTION_BATCH_SIZE).toBe(10_000);
  });

  it('parses sizes and treats empty strings as unset', () => {
    expect(loadEnv({ BODY_LIMIT: '4mb', PORT: '' }).BODY_LIMIT).toBe(4 * 1024 * 1024);
    expect(loadEnv({ PORT: '' }).PORT).toBe(8787);
  });

  it('any OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG: a known sampler or unset, a ratio in [0, 1] or unset, or an EnvError (property)', () => {
    const text = fc.oneof(fc.string(), fc.constantFrom(...OTEL_SAMPLERS), fc.double().map(String));
    fc.assert(
      fc.property(text, text, (sampler, arg) => {
        let env: ReturnType<typeof loadEnv>;
        try {
          env = loadEnv({ OTEL_TRACES_SAMPLER: sampler, OTEL_TRACES_SAMPLER_ARG: arg });
        } catch (err) {
          expect(err).toBeInstanceOf(EnvError);
          return;
        }
        // An empty value is unset (the default sampler, ratio 1).
        if (env.OTEL_TRACES_SAMPLER !== undefined) expect(OTEL_SAMPLERS).toContain(env.OTEL_TRACES_SAMPLER);
        else expect(sampler.trim()).toBe('');
        const ratio = env.OTEL_TRACES_SAMPLER_ARG;
        if (ratio !== undefined) expect(ratio >= 0 && ratio <= 1).toBe(true);
        else expect(arg.trim()).toBe('');
      }),
      { numRuns: 300 },
    );
  });
});
