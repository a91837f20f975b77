import { describe, expect, it } from 'vitest';
import { loginSchema } from './login';

describe('login form validation', () => {
  it('accepts admin@localhost and trims the email', () => {
    expect(loginSchema.parse({ email: ' admin@localhost ', password: 'x' })).toEqual({
      email: 'admin@localhost',
      password: 'x',
    });
  });
  it('names the fields that are wrong', () => {
    const r = loginSchema.safeParse({ email: 'nope', password: '' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path[0])).toEqual(['email', 'password']);
  });
});
