/** The what-if simulator and savings advice (read-only: replays recorded traffic, changes nothing). */
import { listOf } from '../schemas/identity/responses.js';
import { aliasListItemSchema } from '../schemas/routing/responses.js';
import {
  savingsAdviceSchema,
  savingsQuery,
  whatIfAliasesQuery,
  whatIfBody,
  whatIfResultSchema,
} from '../schemas/whatif/index.js';
import { defineContract } from './contract.js';

const tag = 'What-if';

/**
 * Who may call them: operators and viewers (`usage:read-any`) over everyone's traffic or one organization's; an
 * organization's owners and admins over one organization of theirs (`orgId` required), every figure, mix and
 * breakdown from its requests only. Anyone else gets a 403. The contracts need `usage:own` (every signed-in
 * user) and the service decides, as for an organization's usage.
 */
const WHO =
  "Operators and viewers: every request, or one organization's (`orgId`). An organization's owners and admins: `orgId` is required and must be one of theirs (400 without it, 403 for any other organization, existing or not); everything answered comes from its requests only. Anyone else: 403.";

export const whatIfContracts = {
  run: defineContract({
    method: 'post',
    path: '/api/v1/llm/whatif',
    permission: 'usage:own',
    tag,
    summary: `Replay the answered requests of a time range through routing under a candidate change (strategy, disabled providers or models, replaced models, alias targets and weights, power levels, rules): projected cost, model and provider mix, changed targets, unroutable requests, per organization. Live state (cooldowns, circuits, limits, budgets) is not replayed. ${WHO} An organization's admin may try a strategy, disabled or replaced models, power levels and their organization's own aliases, which then apply to its requests only; disabling a provider, routing rules and global or other organizations' aliases are operators' changes and get a 403 naming the part refused. Models are those of the global registry and the organization's own (any other is reported as missing).`,
    body: whatIfBody,
    response: { status: 200, description: 'The projection beside what happened', schema: whatIfResultSchema },
    errors: {
      400: "Invalid range or change, a change naming a provider, model or alias that does not exist (or that the caller may not see), or no `orgId` from an organization's admin",
      403: "Neither an operator nor an owner or admin of the organization named, or a change an organization's admin may not try",
    },
  }),
  aliases: defineContract({
    method: 'get',
    path: '/api/v1/llm/whatif/aliases',
    permission: 'usage:own',
    tag,
    summary: `The aliases that apply to one organization's requests, for its what-if: the organization's own (which its admins may change in a what-if) and the enabled global ones (which only operators change); a target or fallback that names only another organization's or a user's model is left out. Without \`orgId\` (operators only): every alias. ${WHO}`,
    query: whatIfAliasesQuery,
    response: {
      status: 200,
      description: 'Global aliases first, then by name',
      schema: listOf(aliasListItemSchema),
    },
    errors: {
      400: "No `orgId` from an organization's admin",
      403: 'Neither an operator nor an owner or admin of the organization named',
    },
  }),
  savings: defineContract({
    method: 'get',
    path: '/api/v1/llm/savings',
    permission: 'usage:own',
    tag,
    summary: `Savings advice from the last 30 days: for each model used, cheaper enabled global models of the same tier with the capabilities used and a large enough context window, with the monthly saving the simulator projects. ${WHO}`,
    query: savingsQuery,
    response: { status: 200, description: 'Suggestions, largest saving first', schema: savingsAdviceSchema },
    errors: {
      400: "No `orgId` from an organization's admin",
      403: 'Neither an operator nor an owner or admin of the organization named',
    },
  }),
};
