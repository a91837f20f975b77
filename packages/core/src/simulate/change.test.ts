import { describe, expect, it } from 'vitest';
import { alias, config, model, provider } from '../engine/fixtures.test-util.js';
import type { RoutingConfig } from '../engine/types.js';
import { whatIfChange, type WhatIfChangeInput } from '../schemas/whatif/index.js';
import { checkChange, orgChangeRefusals, visibleToOrg } from './change.js';

// A global model, one of org o1's own and one of org o2's own; a global alias and one alias per organization.
const base: RoutingConfig = config({
  providers: [provider({ id: 'pa', slug: 'alpha' })],
  models: [
    model({ id: 'mg', providerId: 'pa', modelId: 'big' }),
    model({ id: 'm1', providerId: 'pa', modelId: 'own-one', scope: 'org:o1' }),
    model({ id: 'm2', providerId: 'pa', modelId: 'own-two', scope: 'org:o2' }),
  ],
  aliases: [
    alias({ name: 'chat', targets: [{ ref: 'alpha/big', weight: 1 }], fallbacks: [] }),
    alias({ name: 'team', scope: 'org:o1', targets: [{ ref: 'alpha/big', weight: 1 }], fallbacks: [] }),
    alias({ name: 'rival', scope: 'org:o2', targets: [{ ref: 'alpha/big', weight: 1 }], fallbacks: [] }),
  ],
});
const change = (c: WhatIfChangeInput) => whatIfChange.parse(c);

describe('what an organization admin may try', () => {
  it.each<[string, WhatIfChangeInput, number]>([
    ['nothing', {}, 0],
    ['a strategy', { strategy: 'cost' }, 0],
    [
      'disabled and replaced models',
      { disableModels: ['alpha/big'], replaceModels: [{ from: 'a', to: 'b' }] },
      0,
    ],
    ['power levels', { powerLevels: [{ slug: 'eco', tier: 'balanced' }] }, 0],
    ["their organization's alias", { aliases: [{ name: 'team', orgId: 'o1', strategy: 'weighted' }] }, 0],
    ['a disabled provider', { disableProviders: ['alpha'] }, 1],
    ['routing rules (even none)', { rules: [] }, 1],
    ['a global alias', { aliases: [{ name: 'chat', strategy: 'weighted' }] }, 1],
    ["another organization's alias", { aliases: [{ name: 'rival', orgId: 'o2' }] }, 1],
  ])('%s: %i refusal(s)', (_name, c, count) => {
    expect(orgChangeRefusals(change(c), 'o1')).toHaveLength(count);
  });

  it("says the same of another organization's alias whether it exists or not", () => {
    const [real] = orgChangeRefusals(change({ aliases: [{ name: 'x', orgId: 'o2' }] }), 'o1');
    const [none] = orgChangeRefusals(change({ aliases: [{ name: 'x', orgId: 'nowhere' }] }), 'o1');
    expect(real).toBe(none);
  });

  it("names global models and their organization's own; another organization's are missing, even by id", () => {
    const visible = visibleToOrg('o1');
    const ok = change({ disableModels: ['alpha/big', 'm1'] });
    expect(checkChange(base, ok, visible)).toEqual([]);
    const other = change({ replaceModels: [{ from: 'alpha/big', to: 'm2' }] });
    expect(checkChange(base, other, visible)).toEqual(['No model "m2".']);
    expect(
      checkChange(base, change({ replaceModels: [{ from: 'alpha/big', to: 'nope' }] }), visible),
    ).toEqual(['No model "nope".']);
    // Operators see every model.
    expect(checkChange(base, other)).toEqual([]);
  });
});
