import { describe, expect, it } from 'vitest';
import { replayText } from './trace-drawer';

const request = {
  requestId: 'req_1',
  model: 'auto',
  endpoint: 'chat',
  promptTokens: 812,
  maxTokens: null,
  stream: false,
  needs: ['chat', 'tools'],
  headers: {},
  metadata: {},
  loggedInputs: 'none' as const,
};

describe('a replayed request, as the trace drawer states it', () => {
  it('gives its size, max tokens and needs', () => {
    expect(replayText(request)).toBe('812 prompt tokens · max tokens model default · needs chat, tools');
  });
  it('gives the rule inputs it kept, or says they were not kept', () => {
    expect(
      replayText({
        ...request,
        maxTokens: 77,
        headers: { 'x-team': 'search' },
        metadata: { tier: 'gold' },
        loggedInputs: 'kept',
      }),
    ).toBe(
      '812 prompt tokens · max tokens 77 · needs chat, tools · headers x-team: search · metadata tier: gold',
    );
    expect(replayText({ ...request, loggedInputs: 'protected' })).toMatch(
      /values rules look at were not kept \(data protection applied to it\)$/,
    );
  });
});
