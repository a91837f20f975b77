/** Agent configurations: named agents with a role and a model per effort (normal, heavy, max). */
import {
  agentSchema,
  createAgentBody,
  importAgentsBody,
  importAgentsResultSchema,
  updateAgentBody,
} from '../schemas/agents/index.js';
import { listOf } from '../schemas/identity/responses.js';
import { defineContract } from './contract.js';

const tag = 'Agents';

export const agentsContracts = {
  list: defineContract({
    method: 'get',
    path: '/api/v1/llm/agents',
    permission: 'routing:read',
    tag,
    summary: 'Agent configurations (name, agent id, role, normal / heavy / max model)',
    response: { status: 200, description: 'OK', schema: listOf(agentSchema) },
  }),
  create: defineContract({
    method: 'post',
    path: '/api/v1/llm/agents',
    permission: 'routing:write',
    tag,
    summary: 'Create an agent configuration',
    body: createAgentBody,
    response: { status: 201, description: 'Agent', schema: agentSchema },
    errors: { 409: 'Agent id taken' },
  }),
  update: defineContract({
    method: 'patch',
    path: '/api/v1/llm/agents/{id}',
    permission: 'routing:write',
    tag,
    summary: 'Change an agent configuration',
    body: updateAgentBody,
    response: { status: 200, description: 'Agent', schema: agentSchema },
    errors: { 409: 'Agent id taken' },
  }),
  remove: defineContract({
    method: 'delete',
    path: '/api/v1/llm/agents/{id}',
    permission: 'routing:write',
    tag,
    summary: 'Delete an agent configuration',
    response: { status: 204, description: 'Deleted' },
  }),
  exportYaml: defineContract({
    method: 'get',
    path: '/api/v1/llm/agents/export',
    permission: 'routing:read',
    tag,
    summary: 'Every agent as model_config.yaml',
    response: { status: 200, description: 'YAML (application/yaml)', contentType: 'application/yaml' },
  }),
  importYaml: defineContract({
    method: 'post',
    path: '/api/v1/llm/agents/import',
    permission: 'routing:write',
    tag,
    summary:
      'Import model_config.yaml: agents created or updated by id (replace: the others deleted; dryRun: nothing saved)',
    body: importAgentsBody,
    response: { status: 200, description: 'What changed', schema: importAgentsResultSchema },
    errors: { 400: 'Invalid YAML or agent (the message names the agent and field)' },
  }),
};
