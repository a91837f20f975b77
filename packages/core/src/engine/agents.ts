/**
 * Agent configurations: a client names an agent and an effort, and the agent's configuration says which model
 * (an alias, a power level or a model) serves it. Selected by the model name (`agent:<id>`, `agent:<id>:<effort>`)
 * or by headers (`x-switchyard-agent: <id>`, `x-switchyard-effort: normal|heavy|max`). The model name wins over
 * the headers; an agent header replaces whatever model the client named (the operator's configuration decides
 * for that agent); the effort defaults to normal.
 */
import { AGENT_EFFORTS, type AgentConfig, type AgentEffort, type RequestInfo } from './types.js';

export type AgentSelection =
  | { kind: 'none' }
  | { kind: 'agent'; agent: AgentConfig; effort: AgentEffort; model: string; via: 'model' | 'header' }
  | { kind: 'error'; code: 'unknown_agent' | 'invalid_effort'; httpStatus: 404 | 400; message: string };

const PREFIX = 'agent:';

function effortOf(v: string): AgentEffort | null {
  const e = v.trim().toLowerCase();
  return (AGENT_EFFORTS as readonly string[]).includes(e) ? (e as AgentEffort) : null;
}

/** Which agent (and effort) a request names, and the model its configuration gives; `none` when it names none. */
export function selectAgent(
  req: Pick<RequestInfo, 'model' | 'agent'>,
  agents: readonly AgentConfig[] | undefined,
): AgentSelection {
  const header = req.agent;
  let id: string | null = null;
  let effortText: string | null = null;
  let via: 'model' | 'header' = 'model';
  if (req.model.startsWith(PREFIX)) {
    const rest = req.model.slice(PREFIX.length);
    const colon = rest.indexOf(':');
    id = colon === -1 ? rest : rest.slice(0, colon);
    effortText = colon === -1 ? (header?.effort ?? null) : rest.slice(colon + 1);
  } else if (header?.id) {
    id = header.id;
    effortText = header.effort;
    via = 'header';
  } else return { kind: 'none' };
  const effort = effortText === null || effortText.trim() === '' ? 'normal' : effortOf(effortText);
  if (effort === null)
    return {
      kind: 'error',
      code: 'invalid_effort',
      httpStatus: 400,
      message: `The effort "${effortText}" is not one of ${AGENT_EFFORTS.join(', ')}.`,
    };
  const agent = (agents ?? []).find((a) => a.id === id);
  if (!agent)
    return {
      kind: 'error',
      code: 'unknown_agent',
      httpStatus: 404,
      message: `No agent configuration "${id}" (see Agents in the dashboard).`,
    };
  return { kind: 'agent', agent, effort, model: agent.models[effort], via };
}
