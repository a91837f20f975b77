/**
 * An Anthropic-format client's thinking in the form the model it is sent to takes. Claude takes thinking as a budget
 * (`{type: "enabled", budget_tokens}`: the models before 4.6, and 4.6 beside adaptive thinking) or as adaptive thinking
 * (`{type: "adaptive"}` guided by `output_config.effort`: 4.6 on; 4.7 on take only this). A client writes the form of
 * the model it named; the gateway may send the request to another (an alias, a power level, a fallback). Relayed as
 * it came, a form the model refuses is a 400 ("thinking.type.enabled is not supported for this model"), so:
 * - a budget to a model that refuses one goes as adaptive thinking at the client's own effort, else the effort the
 *   budget reads as (the same reading as for any translated request, effortForBudget);
 * - adaptive thinking to a model known to take only a budget (its id reads as a version before 4.6; an id that does not
 *   say is left to the client) goes as its effort's budget within the output cap (the
 *   effort was guiding the thinking, so it goes with it), or no thinking when the cap cannot hold one and an answer.
 * Anything else goes as it came.
 */
import { claudeRefusesAdaptive, claudeTakesBudget, type ModelIdentity } from '../model-family.js';
import {
  anthropicThinkingToPivot,
  claudeThinking,
  claudeThinkingFields,
  type ReasoningPivot,
} from '../../translate/reasoning.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The body with its thinking in the form the model takes (see above); null when it goes as it came. `maxTokens`: the
 * output cap the request is sent with (the client's, or the default the gateway sets).
 */
export function nativeThinkingFor(body: Obj, model: ModelIdentity, maxTokens: number): Obj | null {
  const t = body.thinking;
  if (!isObj(t)) return null;
  if (t.type === 'enabled' && !claudeTakesBudget(model)) {
    const pivot: ReasoningPivot = { model: '', messages: [] };
    anthropicThinkingToPivot(t, pivot);
    const effort = pivot.reasoning_effort;
    // A budget that asks for no thinking (missing, zero) reads as none: Claude would refuse it anyway.
    if (!effort) return withoutThinking(body);
    const own = isObj(body.output_config) ? body.output_config : {};
    return {
      ...body,
      thinking: { type: 'adaptive', display: 'summarized' },
      output_config: { effort, ...own },
    };
  }
  if (t.type === 'adaptive' && claudeRefusesAdaptive(model)) {
    const pivot: ReasoningPivot = { model: '', messages: [] };
    anthropicThinkingToPivot(t, pivot, body.output_config);
    const choice = isObj(body.tool_choice) ? body.tool_choice.type : undefined;
    const next = claudeThinking(pivot, maxTokens, {
      // Claude refuses thinking with a forced tool.
      forcedTool: choice === 'any' || choice === 'tool',
      toolTurn: false,
      model: { thinking: 'budget', xhighEffort: false },
    });
    const { output_config: oc, ...rest } = body;
    const config = isObj(oc) ? Object.fromEntries(Object.entries(oc).filter(([k]) => k !== 'effort')) : oc;
    const out: Obj =
      config === undefined || (isObj(config) && Object.keys(config).length === 0)
        ? rest
        : { ...rest, output_config: config };
    if (!next) return withoutThinking(out);
    return { ...out, ...claudeThinkingFields(next) };
  }
  return null;
}

/** Efforts said as they are in a change's description; any other value (a client's own string) is not repeated. */
const KNOWN_EFFORTS = new Set(['low', 'medium', 'high', 'xhigh', 'max']);

/**
 * What a request's thinking went as when the gateway changed its form (nativeThinkingFor's body, `formed`), for
 * PreparedCall.changedParams: `thinking: adaptive at effort high`, `thinking: budget_tokens 24576` or `thinking: left
 * out`; null when it went as it came (`formed` null, or the same thinking).
 */
export function thinkingChange(asked: Obj, formed: Obj | null): string | null {
  if (!formed || !isObj(asked.thinking)) return null;
  const t = formed.thinking;
  if (!isObj(t)) return 'thinking: left out';
  if (t.type === 'adaptive') {
    const effort = isObj(formed.output_config) ? formed.output_config.effort : undefined;
    return typeof effort === 'string' && KNOWN_EFFORTS.has(effort)
      ? `thinking: adaptive at effort ${effort}`
      : 'thinking: adaptive';
  }
  if (t.type === 'enabled' && typeof t.budget_tokens === 'number' && t !== asked.thinking)
    return `thinking: budget_tokens ${t.budget_tokens}`;
  return null;
}

/**
 * A translated request's reasoning as Claude is sent it (`an`: the Anthropic request made of the pivot), for
 * PreparedCall.changedParams in the client's terms (`param`): `left out` when an effort or budget was asked and no
 * thinking goes (the output cap holds no budget, a tool is forced; an effort Claude has no form of), the effort
 * adaptive thinking goes at when it is not the one asked (xhigh to a model without it); null otherwise (none asked
 * for no thinking, an effort as its budget or its adaptive thinking).
 */
export function translatedThinkingChange(pivot: ReasoningPivot, an: Obj, param: string): string | null {
  const asked = pivot.reasoning_effort;
  if (asked === undefined || asked === null || asked === 'none') return null;
  const t = an.thinking;
  if (!isObj(t)) return `${param}: left out`;
  if (t.type !== 'adaptive') return null;
  const effort = isObj(an.output_config) ? an.output_config.effort : undefined;
  return typeof effort === 'string' && effort !== asked && KNOWN_EFFORTS.has(effort)
    ? `${param}: ${effort}`
    : null;
}

function withoutThinking(body: Obj): Obj {
  const { thinking: _t, ...rest } = body;
  return rest;
}
