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

function withoutThinking(body: Obj): Obj {
  const { thinking: _t, ...rest } = body;
  return rest;
}
