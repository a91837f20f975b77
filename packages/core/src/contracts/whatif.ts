/** The what-if simulator and savings advice (read-only: replays recorded traffic, changes nothing). */
import { savingsAdviceSchema, whatIfBody, whatIfResultSchema } from '../schemas/whatif/index.js';
import { defineContract } from './contract.js';

const tag = 'What-if';

export const whatIfContracts = {
  run: defineContract({
    method: 'post',
    path: '/api/v1/llm/whatif',
    permission: 'usage:read-any',
    tag,
    summary:
      'Replay the answered requests of a time range through routing under a candidate change (strategy, disabled providers or models, replaced models, alias targets and weights, power levels): projected cost, model and provider mix, changed targets, unroutable requests, per organization. Live state (cooldowns, circuits, limits, budgets) is not replayed.',
    body: whatIfBody,
    response: { status: 200, description: 'The projection beside what happened', schema: whatIfResultSchema },
    errors: {
      400: 'Invalid range or change, or a change naming a provider, model or alias that does not exist',
    },
  }),
  savings: defineContract({
    method: 'get',
    path: '/api/v1/llm/savings',
    permission: 'usage:read-any',
    tag,
    summary:
      'Savings advice from the last 30 days: for each model used, cheaper enabled models of the same tier with the capabilities used and a large enough context window, with the monthly saving the simulator projects',
    response: { status: 200, description: 'Suggestions, largest saving first', schema: savingsAdviceSchema },
  }),
};
