/**
 * The read side: `/api/v1/llm/{usage,stats,live,usage/users,logs,feedback,errors,export}` for operators and
 * `/api/v1/me/{usage,live,logs,feedback,export}` for everyone's own traffic; and the connect-a-tool guide.
 */
import { guideQuery } from '../guide/index.js';
import {
  errorsQuery,
  exportQuery,
  feedbackQuery,
  logsQuery,
  resolveErrorsBody,
  usagePeriodQuery,
  userUsageQuery,
} from '../schemas/usage/index.js';
import {
  costForecastSchema,
  errorsPageSchema,
  feedbackPageSchema,
  liveResponseSchema,
  llmStatsSchema,
  logDetailSchema,
  logsPageSchema,
  myOrgsSchema,
  resolveErrorsResultSchema,
  usageResponseSchema,
  userUsagePageSchema,
} from '../schemas/usage/responses.js';
import { keyModelsSchema } from '../schemas/identity/responses.js';
import { defineContract } from './contract.js';

const csv = { status: 200, description: 'CSV (text/csv), streamed', contentType: 'text/csv' } as const;

export const usageContracts = {
  usage: defineContract({
    method: 'get',
    path: '/api/v1/llm/usage',
    permission: 'usage:read-any',
    tag: 'Usage',
    summary:
      'Calls and cost over time (bucket fits the period), by provider (cost, latency, success rate), popular models, top users',
    query: usagePeriodQuery,
    response: { status: 200, description: 'OK', schema: usageResponseSchema },
  }),
  stats: defineContract({
    method: 'get',
    path: '/api/v1/llm/stats',
    permission: 'usage:read-any',
    tag: 'Usage',
    summary:
      'Stat cards: providers, active models, API calls and cost over 30 days with the change versus the 30 before, BYOK',
    response: { status: 200, description: 'OK', schema: llmStatsSchema },
  }),
  live: defineContract({
    method: 'get',
    path: '/api/v1/llm/live',
    permission: 'usage:read-any',
    tag: 'Usage',
    summary: 'The last 60 minutes, per minute: requests, errors, average and p95 latency',
    response: { status: 200, description: 'OK', schema: liveResponseSchema },
  }),
  costReport: defineContract({
    method: 'get',
    path: '/api/v1/llm/usage/cost-report',
    permission: 'usage:read-any',
    tag: 'Usage',
    summary:
      'Cost report as CSV: per day, provider, model and user over a period, with requests, errors, tokens, cost and BYOK savings',
    query: usagePeriodQuery,
    response: csv,
  }),
  forecast: defineContract({
    method: 'get',
    path: '/api/v1/llm/usage/forecast',
    permission: 'usage:read-any',
    tag: 'Usage',
    summary:
      'Month-end cost forecast: month to date plus the last 7 days’ daily rate over the rest of the month, in total, per organization and per provider',
    response: { status: 200, description: 'Forecast', schema: costForecastSchema },
  }),
  users: defineContract({
    method: 'get',
    path: '/api/v1/llm/usage/users',
    permission: 'usage:read-any',
    tag: 'Usage',
    summary: 'Per-user usage over a period, sortable',
    query: userUsageQuery,
    response: { status: 200, description: 'OK', schema: userUsagePageSchema },
  }),
  logs: defineContract({
    method: 'get',
    path: '/api/v1/llm/logs',
    permission: 'logs:read',
    tag: 'Logs',
    summary: 'Gateway logs, newest first, with filters and a cursor',
    query: logsQuery,
    response: { status: 200, description: 'OK', schema: logsPageSchema },
  }),
  log: defineContract({
    method: 'get',
    path: '/api/v1/llm/logs/{id}',
    permission: 'logs:read',
    tag: 'Logs',
    summary: 'One log record with its resolver trace and attempts',
    response: { status: 200, description: 'OK', schema: logDetailSchema },
    errors: { 404: 'Not found' },
  }),
  feedback: defineContract({
    method: 'get',
    path: '/api/v1/llm/feedback',
    permission: 'logs:read',
    tag: 'Logs',
    summary:
      'Scores given to requests (POST /v1/feedback), newest first, with their comments and the rated request',
    query: feedbackQuery,
    response: { status: 200, description: 'OK', schema: feedbackPageSchema },
  }),
  errors: defineContract({
    method: 'get',
    path: '/api/v1/llm/errors',
    permission: 'errors:read',
    tag: 'Logs',
    summary: 'Error reports with filters and a cursor',
    query: errorsQuery,
    response: { status: 200, description: 'OK', schema: errorsPageSchema },
  }),
  resolveErrors: defineContract({
    method: 'patch',
    path: '/api/v1/llm/errors',
    permission: 'errors:write',
    tag: 'Logs',
    summary: 'Mark error reports resolved, or open again (up to 200 by id)',
    body: resolveErrorsBody,
    response: { status: 200, description: 'Updated', schema: resolveErrorsResultSchema },
    errors: { 404: 'A named report does not exist (nothing is changed)' },
  }),
  export: defineContract({
    method: 'get',
    path: '/api/v1/llm/export',
    permission: 'usage:own',
    tag: 'Logs',
    summary: 'Stream usage rows as CSV (operators: any user; others: their own)',
    query: exportQuery,
    response: csv,
  }),
} as const;

export const myUsageContracts = {
  costReport: defineContract({
    method: 'get',
    path: '/api/v1/me/usage/cost-report',
    permission: 'usage:own',
    tag: 'My usage',
    summary: 'My own cost report as CSV: per day, provider and model over a period',
    query: usagePeriodQuery,
    response: csv,
  }),
  usage: defineContract({
    method: 'get',
    path: '/api/v1/me/usage',
    permission: 'usage:own',
    tag: 'My usage',
    summary: 'My own usage over a period, with what BYOK saved',
    query: usagePeriodQuery,
    response: { status: 200, description: 'OK', schema: usageResponseSchema },
  }),
  live: defineContract({
    method: 'get',
    path: '/api/v1/me/live',
    permission: 'usage:own',
    tag: 'My usage',
    summary: 'My last 60 minutes',
    response: { status: 200, description: 'OK', schema: liveResponseSchema },
  }),
  logs: defineContract({
    method: 'get',
    path: '/api/v1/me/logs',
    permission: 'usage:own',
    tag: 'My usage',
    summary: 'My own requests',
    query: logsQuery,
    response: { status: 200, description: 'OK', schema: logsPageSchema },
  }),
  feedback: defineContract({
    method: 'get',
    path: '/api/v1/me/feedback',
    permission: 'usage:own',
    tag: 'My usage',
    summary: 'The scores my keys gave to my requests, newest first',
    query: feedbackQuery,
    response: { status: 200, description: 'OK', schema: feedbackPageSchema },
  }),
  log: defineContract({
    method: 'get',
    path: '/api/v1/me/logs/{id}',
    permission: 'usage:own',
    tag: 'My usage',
    summary: 'One of my requests with its trace',
    response: { status: 200, description: 'OK', schema: logDetailSchema },
    errors: { 404: 'Not found' },
  }),
  export: defineContract({
    method: 'get',
    path: '/api/v1/me/export',
    permission: 'usage:own',
    tag: 'My usage',
    summary: 'My usage as CSV',
    query: exportQuery,
    response: csv,
  }),
} as const;

/**
 * An organization's usage for its owners and admins (and operators): the organizations they administer, and one
 * organization's usage over a period (the same answer as /llm/usage, its requests only).
 */
export const orgUsageContracts = {
  orgs: defineContract({
    method: 'get',
    path: '/api/v1/me/orgs',
    permission: 'usage:own',
    tag: 'My usage',
    summary: 'The organizations I own or administer (whose usage I may read)',
    response: { status: 200, description: 'OK', schema: myOrgsSchema },
  }),
  usage: defineContract({
    method: 'get',
    path: '/api/v1/me/orgs/{id}/usage',
    permission: 'usage:own',
    tag: 'My usage',
    summary:
      "An organization's usage over a period (calls and cost over time, providers, models with their feedback, its members by spend): for its owners and admins, and operators",
    query: usagePeriodQuery,
    response: { status: 200, description: 'OK', schema: usageResponseSchema },
    errors: { 404: 'No such organization, or not one I own or administer' },
  }),
  costReport: defineContract({
    method: 'get',
    path: '/api/v1/me/orgs/{id}/usage/cost-report',
    permission: 'usage:own',
    tag: 'My usage',
    summary: "An organization's cost report as CSV: per day, provider, model and member over a period",
    query: usagePeriodQuery,
    response: csv,
    errors: { 404: 'No such organization, or not one I own or administer' },
  }),
  feedback: defineContract({
    method: 'get',
    path: '/api/v1/me/orgs/{id}/feedback',
    permission: 'usage:own',
    tag: 'My usage',
    summary: "The scores given to an organization's requests, newest first, with their comments",
    query: feedbackQuery,
    response: { status: 200, description: 'OK', schema: feedbackPageSchema },
    errors: { 404: 'No such organization, or not one I own or administer' },
  }),
} as const;

/** "Connect a tool": the guide (no sign-in: it holds no secret) and the models one of my keys may use. */
export const connectContracts = {
  guide: defineContract({
    method: 'get',
    path: '/api/v1/guide',
    permission: null,
    tag: 'Connect a tool',
    summary:
      'How to connect Claude Code, Codex, OpenCode, Cursor, Continue, the AI SDK, the OpenAI and Anthropic SDKs and curl to this server, as Markdown an AI agent can follow (no sign-in, no secrets)',
    query: guideQuery,
    response: { status: 200, description: 'The guide', contentType: 'text/markdown' },
    errors: { 400: 'Unknown tool' },
  }),
  keyModels: defineContract({
    method: 'get',
    path: '/api/v1/me/keys/{id}/models',
    permission: 'keys:own',
    tag: 'My gateway keys',
    summary: "The models one of my keys may use: what the proxy's GET /v1/models answers for that key",
    response: { status: 200, description: 'OpenAI-format model list', schema: keyModelsSchema },
    errors: { 404: 'Not one of my keys' },
  }),
} as const;

/** The live event stream for the dashboard (server-sent events; see schemas/events). */
export const eventsContracts = {
  stream: defineContract({
    method: 'get',
    path: '/api/v1/llm/events',
    permission: 'usage:own',
    tag: 'Live events',
    summary:
      'Server-sent events: `call` (a request finished and was recorded; no bodies, no keys), `provider`, `model` and `circuit` changes. Operators and viewers get every event; other users only `call` events of their own requests. A comment every 15 s keeps the connection open.',
    response: {
      status: 200,
      description: 'An event stream (text/event-stream) that stays open',
      contentType: 'text/event-stream',
    },
  }),
} as const;
