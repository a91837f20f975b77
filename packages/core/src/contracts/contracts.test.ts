import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { Trace } from '../engine/plan.js';
import type { engineTraceSchema } from '../schemas/routing/responses.js';
import {
  ALL_CONTRACTS,
  CONTRACTS,
  PERMISSIONS,
  expressPath,
  paramsSchema,
  pathParamNames,
  type ParamsOf,
  type ResponseOf,
} from './index.js';

describe('endpoint contracts', () => {
  it('declare each method and path once, under /api/v1 (or a system route), with a known permission', () => {
    const keys = ALL_CONTRACTS.map((c) => `${c.method} ${c.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const c of ALL_CONTRACTS) {
      expect(c.path).toMatch(/^\/(api\/v1\/|health$|ready$|metrics$)/);
      if (c.permission !== null) expect(Object.keys(PERMISSIONS)).toContain(c.permission);
      expect(c.summary.length).toBeGreaterThan(3);
    }
  });

  it('answer JSON, nothing (204) or a body the handler writes; GETs and DELETEs take no body', () => {
    for (const c of ALL_CONTRACTS) {
      const r = c.response;
      if (r.status === 204) expect('schema' in r).toBe(false);
      if (c.method === 'get' || c.method === 'delete') expect(c.body).toBeUndefined();
    }
  });

  it('turn `{name}` path parameters into Express paths and an id schema with the API message', () => {
    expect(pathParamNames('/api/v1/orgs/{id}/members/{userId}')).toEqual(['id', 'userId']);
    expect(expressPath('/api/v1/orgs/{id}/members/{userId}')).toBe('/api/v1/orgs/:id/members/:userId');
    const s = paramsSchema(CONTRACTS.orgs.removeMember);
    expect(s.safeParse({ id: 'org_1', userId: 'u-2' }).success).toBe(true);
    const bad = s.safeParse({ id: 'a/b', userId: 'x' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({
      path: ['id'],
      message: expect.stringMatching(/must be an id/),
    });
  });

  it('type what a handler gets and answers', () => {
    expectTypeOf<ParamsOf<typeof CONTRACTS.orgs.removeMember>>().toEqualTypeOf<
      { id: string } & { userId: string }
    >();
    expectTypeOf<ResponseOf<typeof CONTRACTS.orgs.remove>>().toEqualTypeOf<void>();
    expectTypeOf<ResponseOf<typeof CONTRACTS.users.get>['email']>().toEqualTypeOf<string>();
  });

  it("describe the engine's resolver trace exactly (the schema and the engine's type agree both ways)", () => {
    expectTypeOf<z.infer<typeof engineTraceSchema>>().toExtend<Trace>();
    expectTypeOf<Trace>().toExtend<z.infer<typeof engineTraceSchema>>();
  });
});
