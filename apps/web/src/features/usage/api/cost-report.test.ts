import { describe, expect, it } from 'vitest';
import { costReportPath } from './cost-report';

describe('costReportPath', () => {
  it.each([
    ['any' as const, '/llm/usage/cost-report'],
    ['self' as const, '/me/usage/cost-report'],
    [{ orgId: 'org 1/x' }, '/me/orgs/org%201%2Fx/usage/cost-report'],
  ])('%j → %s', (scope, path) => {
    expect(costReportPath(scope)).toBe(path);
  });
});
