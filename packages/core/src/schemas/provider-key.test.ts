import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { putByokBody } from './identity/index.js';
import { createProviderBody, testKeyBody, updateProviderBody } from './admin/index.js';
import { providerKeyField } from './provider-key.js';

/** The runtime's fetch Headers (core is typed without DOM or Node globals; the test runs on Node). */
const RuntimeHeaders = (globalThis as unknown as { Headers: new (init: Record<string, string>) => unknown })
  .Headers;

/** Whether the key can be sent the way adapters send it (Node's Headers applies the fetch/undici header rules). */
function sendable(key: string): boolean {
  try {
    new RuntimeHeaders({ authorization: `Bearer ${key}`, 'x-api-key': key });
    return true;
  } catch {
    return false;
  }
}

describe('provider key field', () => {
  it.each([
    ['a newline inside', 'sk-abc\ndef-123456', false],
    ['a carriage return inside', 'sk-abc\rdef-123456', false],
    ['a space inside', 'sk-abc def-123456', false],
    ['a tab inside', 'sk-abc\tdef-123456', false],
    ['a NUL', 'sk-abc\u0000def-123456', false],
    ['DEL', 'sk-abc\u007fdef-123456', false],
    ['non-ASCII', 'sk-abcé-def-123456', false],
    ['a zero-width space', 'sk-abc\u200bdef-123456', false],
    ['too long', `sk-${'a'.repeat(4094)}`, false],
    ['a plain key', 'sk-proj-Abc_123.xyz~+/=', true],
    ['a trailing newline from a file (trimmed)', 'sk-abcdef-123456\n', true],
  ])('%s', (_n, key, ok) => {
    expect(providerKeyField.safeParse(key).success).toBe(ok);
    expect(putByokBody.safeParse({ apiKey: key }).success).toBe(ok);
  });

  it('every route that stores or tests a key names the field when it refuses one', () => {
    const bad = 'sk-abc\ndef-123456';
    for (const [schema, body] of [
      [putByokBody, { apiKey: bad }],
      [createProviderBody, { type: 'openai', name: 'x', slug: 'x', apiKey: bad }],
      [updateProviderBody, { apiKey: bad }],
      [testKeyBody, { type: 'openai', apiKey: bad }],
    ] as const) {
      const r = schema.safeParse(body);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['apiKey']);
      expect(r.error?.issues[0]?.message).toMatch(/HTTP header/);
    }
  });

  it('property: whatever it accepts can be sent in a header, trimmed; whatever cannot be sent is refused', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (raw) => {
        const r = providerKeyField.safeParse(raw);
        if (r.success) {
          expect(r.data).toBe(r.data.trim());
          expect(sendable(r.data)).toBe(true);
        } else {
          expect(/^[\x21-\x7e]*$/.test(raw.trim())).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  }, 30_000);
});
