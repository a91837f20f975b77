import { describe, expect, it } from 'vitest';
import { nextTheme, resolveTheme } from './theme';

describe('theme preference', () => {
  it('a stored choice wins over the system', () => {
    expect(resolveTheme('unicorn', true)).toBe('unicorn');
    expect(resolveTheme('dark', true)).toBe('dark');
  });
  it('without a valid stored choice the system decides', () => {
    expect(resolveTheme(null, true)).toBe('light');
    expect(resolveTheme(null, false)).toBe('dark');
    expect(resolveTheme('neon', true)).toBe('light');
  });
  it('cycles dark → light → unicorn → dark', () => {
    expect([nextTheme('dark'), nextTheme('light'), nextTheme('unicorn')]).toEqual([
      'light',
      'unicorn',
      'dark',
    ]);
  });
});
