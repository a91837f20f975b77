/** A/B experiments on aliases: CRUD, start / stop, and results per variant. */
import {
  createExperimentBody,
  experimentResultsSchema,
  experimentSchema,
  updateExperimentBody,
} from '../schemas/experiments/index.js';
import { listOf } from '../schemas/identity/responses.js';
import { defineContract } from './contract.js';

const tag = 'Experiments';

export const experimentsContracts = {
  list: defineContract({
    method: 'get',
    path: '/api/v1/llm/experiments',
    permission: 'routing:read',
    tag,
    summary: 'A/B experiments (alias, variants with percent and target, stickiness, window, state)',
    response: { status: 200, description: 'OK', schema: listOf(experimentSchema) },
  }),
  create: defineContract({
    method: 'post',
    path: '/api/v1/llm/experiments',
    permission: 'routing:write',
    tag,
    summary: 'Create an experiment (a draft until started)',
    body: createExperimentBody,
    response: { status: 201, description: 'Experiment', schema: experimentSchema },
    errors: { 400: 'Unknown alias or variant target, percents not summing to 100' },
  }),
  get: defineContract({
    method: 'get',
    path: '/api/v1/llm/experiments/{id}',
    permission: 'routing:read',
    tag,
    summary: 'One experiment',
    response: { status: 200, description: 'Experiment', schema: experimentSchema },
    errors: { 404: 'Unknown experiment' },
  }),
  update: defineContract({
    method: 'patch',
    path: '/api/v1/llm/experiments/{id}',
    permission: 'routing:write',
    tag,
    summary: 'Change an experiment (alias, variants and stickiness only before it is started)',
    body: updateExperimentBody,
    response: { status: 200, description: 'Experiment', schema: experimentSchema },
    errors: { 404: 'Unknown experiment', 409: 'Started: only name, description and endsAt may change' },
  }),
  remove: defineContract({
    method: 'delete',
    path: '/api/v1/llm/experiments/{id}',
    permission: 'routing:write',
    tag,
    summary: 'Delete an experiment (its usage records keep their experiment id; its feedback goes)',
    response: { status: 204, description: 'Deleted' },
    errors: { 404: 'Unknown experiment' },
  }),
  start: defineContract({
    method: 'post',
    path: '/api/v1/llm/experiments/{id}/start',
    permission: 'routing:write',
    tag,
    summary: 'Start routing the alias through the variants (from startsAt, else now)',
    response: { status: 200, description: 'Experiment', schema: experimentSchema },
    errors: { 404: 'Unknown experiment', 409: 'Stopped already, or another experiment runs on the alias' },
  }),
  stop: defineContract({
    method: 'post',
    path: '/api/v1/llm/experiments/{id}/stop',
    permission: 'routing:write',
    tag,
    summary: 'Stop it: the alias routes as configured again (results stay)',
    response: { status: 200, description: 'Experiment', schema: experimentSchema },
    errors: { 404: 'Unknown experiment' },
  }),
  results: defineContract({
    method: 'get',
    path: '/api/v1/llm/experiments/{id}/results',
    permission: 'routing:read',
    tag,
    summary:
      'Per variant: requests, error rate, latency mean / p50 / p95, time to first token, cost per request, tokens and feedback, with 95% intervals',
    response: { status: 200, description: 'Results', schema: experimentResultsSchema },
    errors: { 404: 'Unknown experiment' },
  }),
};
