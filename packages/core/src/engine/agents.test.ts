/** Agent configurations: which agent and effort a request names, and how plan() resolves the agent's model. */
import { describe, expect, it } from 'vitest';
import { selectAgent } from './agents.js';
import { plan, type PlanInput } from './plan.js';
import { mulberry32 } from './rng.js';
import { EMPTY_STATE } from './state.js';
import type { AgentConfig, RoutingConfig } from './types.js';
import { alias, caller, config, model, provider, request } from './fixtures.test-util.js';

const CODER: AgentConfig = {
  id: 'coder',
  name: 'Coder',
  role: 'writes code',
  models: { normal: 'fast', heavy: 'a/big', max: 'precision' },
};
const AGENTS = [
  CODER,
  { ...CODER, id: 'reviewer', name: 'Reviewer', models: { normal: 'a/small', heavy: 'a/big', max: 'a/big' } },
];

describe('selectAgent', () => {
  it.each([
    // model name, headers → agent, effort, model, via
    ['agent:coder', undefined, 'coder', 'normal', 'fast', 'model'],
    ['agent:coder:heavy', undefined, 'coder', 'heavy', 'a/big', 'model'],
    ['agent:coder:MAX', undefined, 'coder', 'max', 'precision', 'model'],
    ['agent:coder', { id: null, effort: 'heavy' }, 'coder', 'heavy', 'a/big', 'model'],
    // The model's effort wins over the header's; the model's agent over the header's.
    ['agent:coder:max', { id: 'reviewer', effort: 'heavy' }, 'coder', 'max', 'precision', 'model'],
    // A header names the agent whatever model the client sent.
    ['gpt-4o', { id: 'reviewer', effort: null }, 'reviewer', 'normal', 'a/small', 'header'],
    ['gpt-4o', { id: 'reviewer', effort: ' Heavy ' }, 'reviewer', 'heavy', 'a/big', 'header'],
    ['gpt-4o', { id: 'coder', effort: '' }, 'coder', 'normal', 'fast', 'header'],
  ] as const)('%s %j → %s (%s) → %s via %s', (model, agent, id, effort, target, via) => {
    const s = selectAgent({ model, agent }, AGENTS);
    expect(s).toMatchObject({ kind: 'agent', effort, model: target, via });
    expect(s.kind === 'agent' && s.agent.id).toBe(id);
  });

  it.each([
    ['gpt-4o', undefined],
    ['gpt-4o', { id: null, effort: 'heavy' }],
    ['gpt-4o', { id: '', effort: null }],
    ['agentic-model', undefined],
  ] as const)('%s %j names no agent', (model, agent) => {
    expect(selectAgent({ model, agent }, AGENTS)).toEqual({ kind: 'none' });
  });

  it.each([
    ['agent:nobody', undefined, 'unknown_agent', 404],
    ['agent:', undefined, 'unknown_agent', 404],
    ['gpt-4o', { id: 'nobody', effort: null }, 'unknown_agent', 404],
    ['agent:coder:extreme', undefined, 'invalid_effort', 400],
    ['agent:coder', { id: null, effort: 'ultra' }, 'invalid_effort', 400],
    ['gpt-4o', { id: 'coder', effort: 'ultra' }, 'invalid_effort', 400],
  ] as const)('%s %j → %s', (model, agent, code, httpStatus) => {
    expect(selectAgent({ model, agent }, AGENTS)).toMatchObject({ kind: 'error', code, httpStatus });
  });

  it('with no agents configured every agent name is unknown', () => {
    expect(selectAgent({ model: 'agent:coder' }, undefined)).toMatchObject({ code: 'unknown_agent' });
  });
});

describe('plan() with agents', () => {
  const A = provider({ id: 'a', priority: 10 });
  const cfg: RoutingConfig = config({
    providers: [A],
    models: [
      model({ id: 'small', providerId: 'a', tier: 'eco' }),
      model({ id: 'big', providerId: 'a', tier: 'precision' }),
    ],
    aliases: [alias({ name: 'fast', targets: [{ ref: 'a/small', weight: 1 }] })],
    agents: AGENTS,
  });
  const run = (over: Partial<PlanInput>) =>
    plan({
      request: request(),
      caller: caller(),
      config: cfg,
      state: EMPTY_STATE,
      now: 0,
      rng: mulberry32(1),
      ...over,
    });

  it('resolves the agent model like any name (an alias, a model, a power level) and says so in the trace', () => {
    const normal = run({ request: request({ model: 'agent:coder' }) });
    expect(normal.ok && normal.attempts.map((a) => a.ref)).toEqual(['a/small']);
    expect(normal.trace.requested).toBe('agent:coder');
    expect(normal.trace.lookup.kind).toBe('alias');
    expect(normal.trace.agent).toEqual({
      id: 'coder',
      name: 'Coder',
      effort: 'normal',
      model: 'fast',
      via: 'model',
    });
    const heavy = run({ request: request({ model: 'anything', agent: { id: 'coder', effort: 'heavy' } }) });
    expect(heavy.ok && heavy.attempts[0]!.ref).toBe('a/big');
    expect(heavy.trace.agent?.via).toBe('header');
    const max = run({ request: request({ model: 'agent:coder:max' }) });
    expect(max.trace.lookup).toMatchObject({ kind: 'power-level', level: 'precision' });
    expect(max.ok && max.attempts[0]!.ref).toBe('a/big');
  });

  it('an unknown agent or effort is a typed no-route, not a model lookup', () => {
    const r = run({ request: request({ model: 'agent:ghost' }) });
    expect(!r.ok && r.error).toMatchObject({ code: 'unknown_agent', httpStatus: 404 });
    const e = run({ request: request({ model: 'agent:coder:turbo' }) });
    expect(!e.ok && e.error).toMatchObject({ code: 'invalid_effort', httpStatus: 400 });
  });

  it('an agent whose model does not exist names the agent in the error', () => {
    const broken = config({ ...cfg, agents: [{ ...CODER, models: { ...CODER.models, normal: 'gone' } }] });
    const r = run({ config: broken, request: request({ model: 'agent:coder' }) });
    expect(!r.ok && r.error.code).toBe('unknown_model');
    expect(!r.ok && r.error.message).toContain('normal model of agent "coder"');
  });

  it('a key limited to some models may call the agent by name or by what it resolves to', () => {
    const byName = run({
      request: request({ model: 'agent:coder' }),
      caller: caller({ allowedModels: ['agent:coder'] }),
    });
    expect(byName.ok).toBe(true);
    const byTarget = run({
      request: request({ model: 'agent:coder' }),
      caller: caller({ allowedModels: ['fast'] }),
    });
    expect(byTarget.ok).toBe(true);
    const neither = run({
      request: request({ model: 'agent:coder' }),
      caller: caller({ allowedModels: ['other'] }),
    });
    expect(!neither.ok && neither.error.code).toBe('model_not_allowed');
  });
});
