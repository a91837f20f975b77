import { describe, expect, it } from 'vitest';
import { ollamaTestBody, updateSettingsBody } from './index.js';

describe('settings bodies', () => {
  it('accepts each setting alone and a null Ollama URL', () => {
    expect(updateSettingsBody.parse({ bodyLogging: true })).toEqual({ bodyLogging: true });
    expect(updateSettingsBody.parse({ ollamaBaseUrl: null })).toEqual({ ollamaBaseUrl: null });
    expect(updateSettingsBody.parse({ ollamaBaseUrl: 'http://127.0.0.1:11434' }).ollamaBaseUrl).toBe(
      'http://127.0.0.1:11434',
    );
  });
  it.each([
    ['nothing', {}],
    ['a non-http URL', { ollamaBaseUrl: 'ftp://host' }],
    ['not a URL', { ollamaBaseUrl: 'localhost' }],
    ['a string for a flag', { debugHeaders: 'yes' }],
  ])('rejects %s', (_n, b) => {
    expect(updateSettingsBody.safeParse(b).success).toBe(false);
  });
  it('an Ollama test may omit the URL', () => {
    expect(ollamaTestBody.parse({})).toEqual({});
  });
});
