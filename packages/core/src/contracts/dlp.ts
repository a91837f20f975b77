/** Data protection: status per scope, policies, on/off switches, the live tester, activity. */
import {
  dlpActivityPageSchema,
  dlpActivityQuery,
  dlpEventLogSchema,
  dlpPolicyResponseSchema,
  dlpStatusSchema,
  dlpTesterBody,
  dlpTesterResponseSchema,
  patchDlpStatusBody,
  putDlpPolicyBody,
} from '../schemas/dlp/index.js';
import { defineContract } from './contract.js';

const tag = 'Data protection';
const SCOPE_404 = 'No such org or app (or not one of the caller’s)';

/**
 * `{scope}` is `global`, `org:<id>` or `app:<id>`. Operators see and change everything; viewers read everything; a
 * user who is an owner or admin of organizations sees and changes those orgs and their apps (others are 404s).
 */
export const dlpContracts = {
  status: defineContract({
    method: 'get',
    path: '/api/v1/llm/data-protection/status',
    permission: 'dlp:read',
    tag,
    summary: 'Protection status of the global scope, every org and every app (org admins: their own)',
    response: { status: 200, description: 'Status rows', schema: dlpStatusSchema },
  }),
  setStatus: defineContract({
    method: 'patch',
    path: '/api/v1/llm/data-protection/status/{scope}',
    permission: 'dlp:write',
    tag,
    summary: "Turn protection on or off (an org's or app's PII protection, or the global policy)",
    body: patchDlpStatusBody,
    response: { status: 200, description: 'The scope and its policy', schema: dlpPolicyResponseSchema },
    errors: { 404: SCOPE_404 },
  }),
  getPolicy: defineContract({
    method: 'get',
    path: '/api/v1/llm/data-protection/policies/{scope}',
    permission: 'dlp:read',
    tag,
    summary: "A scope's policy (the default one when none was saved)",
    response: { status: 200, description: 'Policy', schema: dlpPolicyResponseSchema },
    errors: { 404: SCOPE_404 },
  }),
  putPolicy: defineContract({
    method: 'put',
    path: '/api/v1/llm/data-protection/policies/{scope}',
    permission: 'dlp:write',
    tag,
    summary: "Replace a scope's policy: built-in detectors (on/off, action) and custom rules",
    body: putDlpPolicyBody,
    response: { status: 200, description: 'Policy', schema: dlpPolicyResponseSchema },
    errors: { 400: 'Invalid policy (the issues name each field)', 404: SCOPE_404 },
  }),
  test: defineContract({
    method: 'post',
    path: '/api/v1/llm/data-protection/test',
    permission: 'dlp:read',
    tag,
    summary: 'Try a policy on a text: findings and the text as it would be sent (nothing stored or logged)',
    body: dlpTesterBody,
    response: { status: 200, description: 'Findings', schema: dlpTesterResponseSchema },
  }),
  activity: defineContract({
    method: 'get',
    path: '/api/v1/llm/data-protection/activity',
    permission: 'dlp:read',
    tag,
    summary: 'Recent activity, newest first (keyset paging; filters scope, org, app, action, kind)',
    query: dlpActivityQuery,
    response: { status: 200, description: 'Activity page', schema: dlpActivityPageSchema },
  }),
  eventLog: defineContract({
    method: 'get',
    path: '/api/v1/llm/data-protection/activity/{id}/log',
    permission: 'dlp:read',
    tag,
    summary: "The log entry of an activity row's request",
    response: { status: 200, description: 'Log id', schema: dlpEventLogSchema },
    errors: {
      404: 'No such activity row, or its request has no log entry: not written yet (`not_found`), or deleted by retention (`log_pruned`; the activity is kept)',
    },
  }),
} as const;
