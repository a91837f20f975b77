/** Conditional routing rules: ordered rules with conditions (time, caller, request, headers, metadata) and an action. */
import { listOf } from '../schemas/identity/responses.js';
import {
  createRuleBody,
  reorderRulesBody,
  ruleSchema,
  testRulesBody,
  testRulesResultSchema,
  updateRuleBody,
} from '../schemas/rules/index.js';
import { defineContract } from './contract.js';

const tag = 'Routing rules';

export const rulesContracts = {
  list: defineContract({
    method: 'get',
    path: '/api/v1/llm/rules',
    permission: 'routing:read',
    tag,
    summary: 'Routing rules, in the order they are tried (the first enabled match applies)',
    response: { status: 200, description: 'OK', schema: listOf(ruleSchema) },
  }),
  create: defineContract({
    method: 'post',
    path: '/api/v1/llm/rules',
    permission: 'routing:write',
    tag,
    summary: 'Create a routing rule (last in order unless an order is given)',
    body: createRuleBody,
    response: { status: 201, description: 'Rule', schema: ruleSchema },
    errors: { 400: 'Invalid condition (time zone, time, regular expression) or action' },
  }),
  reorder: defineContract({
    method: 'post',
    path: '/api/v1/llm/rules/reorder',
    permission: 'routing:write',
    tag,
    summary: 'Set the order of the rules: every rule id, first tried first',
    body: reorderRulesBody,
    response: { status: 200, description: 'The rules in their new order', schema: listOf(ruleSchema) },
    errors: { 400: 'The list does not name every rule exactly once' },
  }),
  test: defineContract({
    method: 'post',
    path: '/api/v1/llm/rules/test',
    permission: 'routing:read',
    tag,
    summary:
      'Test the rules against a described request or a logged one (requestId): each rule with each condition checked, the rule that applies and the resulting plan (no provider is called)',
    body: testRulesBody,
    response: { status: 200, description: 'Which rule applies and the plan', schema: testRulesResultSchema },
    errors: { 400: 'Invalid request description', 404: 'No logged request with that id' },
  }),
  update: defineContract({
    method: 'patch',
    path: '/api/v1/llm/rules/{id}',
    permission: 'routing:write',
    tag,
    summary: 'Change a routing rule (name, enabled, conditions, action)',
    body: updateRuleBody,
    response: { status: 200, description: 'Rule', schema: ruleSchema },
  }),
  remove: defineContract({
    method: 'delete',
    path: '/api/v1/llm/rules/{id}',
    permission: 'routing:write',
    tag,
    summary: 'Delete a routing rule',
    response: { status: 204, description: 'Deleted' },
  }),
};
