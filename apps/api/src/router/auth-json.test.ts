import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { authPatchField } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../lib/secrets.js';
import { applyAuthPatch, presentAuth, resolveAuth, withAuthSettings } from './auth-json.js';

const box = new SecretBox(randomBytes(32));

describe('auth JSON', () => {
  it('resolves the key, the settings and what does not resolve', () => {
    const stored = applyAuthPatch(
      {},
      { apiKey: 'sk-abc-1234', region: { _env: 'REGION' }, apiVersion: { _env: 'MISSING' } },
      box,
    );
    const r = resolveAuth(stored, box, { REGION: 'eu-west-1' });
    expect(r?.key).toEqual({ ok: true, value: 'sk-abc-1234' });
    expect(r?.settings).toEqual({ region: 'eu-west-1' });
    expect(r?.unresolved).toEqual(['apiVersion: MISSING is not set']);
    expect(resolveAuth({}, box, {})).toBeNull();
  });

  it.each([
    [
      { accessKeyId: 'AKIA1', secretAccessKey: 's3cr3t' },
      { ok: true, value: 'AKIA1:s3cr3t' },
    ],
    [
      { accessKeyId: 'AKIA1', secretAccessKey: 's3cr3t', sessionToken: 'tok' },
      { ok: true, value: 'AKIA1:s3cr3t:tok' },
    ],
    [{ accessKeyId: 'AKIA1' }, { ok: false, problem: 'missing' }],
    [{ region: 'us-east-1' }, null],
  ])('Bedrock-style credentials %j → %j', (patch, key) => {
    const r = resolveAuth(applyAuthPatch({}, patch, box), box, {});
    if (key === null) expect(r?.key).toBeNull();
    else expect(r?.key).toMatchObject(key);
  });

  it('a patch keeps what it does not name and removes nulls', () => {
    const first = applyAuthPatch({}, { apiKey: 'sk-one-1111', region: 'eu' }, box);
    const next = applyAuthPatch(first, { region: null, apiVersion: { _env: 'V' } }, box);
    expect(presentAuth(next, { V: '1' }).map((e) => [e.name, e.kind, e.resolved])).toEqual([
      ['apiKey', 'secret', true],
      ['apiVersion', 'env', true],
    ]);
  });

  it('a deployment names the Azure deployment of this model only', () => {
    expect(
      withAuthSettings(
        { deployments: { a: 'x' }, apiVersion: '1' },
        { deployment: 'd', apiVersion: '2' },
        'm',
      ),
    ).toEqual({
      deployments: { a: 'x', m: 'd' },
      apiVersion: '2',
    });
  });

  it('fuzz: whatever is written, what is stored or shown never contains a literal value', () => {
    const value = fc.string({ minLength: 6, maxLength: 40 }).map((s) => `lit-${s}`);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,10}$/),
          fc.oneof(value, fc.constant(null), fc.constantFrom({ _env: 'A_VAR' }, { _env: 'B' })),
          { maxKeys: 8 },
        ),
        (raw) => {
          const parsed = authPatchField.safeParse(raw);
          if (!parsed.success) return;
          const stored = applyAuthPatch({}, parsed.data, box);
          const shown = JSON.stringify(presentAuth(stored, { A_VAR: 'x' }));
          const kept = JSON.stringify(stored);
          for (const v of Object.values(parsed.data))
            if (typeof v === 'string') {
              expect(shown).not.toContain(v);
              expect(kept).not.toContain(v);
            }
          const r = resolveAuth(stored, box, { A_VAR: 'x' });
          for (const [name, v] of Object.entries(parsed.data))
            if (
              typeof v === 'string' &&
              !['apiKey', 'accessKeyId', 'secretAccessKey', 'sessionToken'].includes(name)
            )
              expect(r?.settings[name]).toBe(v);
        },
      ),
    );
  });

  it('fuzz: the write schema refuses bad names and env names with a 4xx-shaped issue, never a throw', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.record({ _env: fc.string() }), fc.anything())),
        (raw) => {
          const r = authPatchField.safeParse(raw);
          if (!r.success) expect(r.error.issues.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});
