// The seeded first start every test app begins from (test/app.ts), also baked into the suite's seeded template
// database (global-setup.ts) so that most test apps start from a copy instead of seeding again.
export const TEST_ADMIN = { email: 'admin@localhost', password: 'test-admin-password-123' };

export const TEST_SEED = { adminEmail: TEST_ADMIN.email, adminPassword: TEST_ADMIN.password, env: {} };
