/** Bedrock request encoding: the OpenAI chat pivot as a Converse request body (the model goes in the URL). */
import { mapContentParts, parseToolArguments, type InlineFile } from '../../translate/shared.js';
import type { OaChatRequest, OaMessage } from '../../translate/wire-types.js';
import { claudeThinking, claudeThinkingFields, THINKING_MIN_TOP_P } from '../../translate/reasoning.js';
import { DEFAULT_MAX_TOKENS } from '../anthropic/request.js';
import { translatedThinkingChange } from '../anthropic/native-thinking.js';
import { claudeThinkingFacts, modelFamily } from '../model-family.js';
import { signedThinkingOn, type SignedThinkingBlock } from '../../translate/signed-thinking.js';

type Obj = Record<string, unknown>;

const IMAGE_FORMATS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** The document formats Converse takes, by media type. */
const DOCUMENT_FORMATS: Record<string, string> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

/**
 * A document's name as Converse takes it (letters, digits, single spaces, hyphens, parentheses, square brackets): the
 * file name without its extension, anything else a space.
 */
export function converseDocumentName(filename: string | undefined, n: number): string {
  const base = (filename ?? '').replace(/\.[A-Za-z0-9]{1,8}$/, '');
  const name = base
    .replace(/[^A-Za-z0-9\-()[\] ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200)
    .trim();
  return name || `document ${n}`;
}

function blocksOf(content: OaMessage['content']): Obj[] {
  let docs = 0;
  return mapContentParts<Obj>(content as never, {
    text: (text) => ({ text }),
    image: (url, img) =>
      img
        ? { image: { format: IMAGE_FORMATS[img.mime.toLowerCase()] ?? 'png', source: { bytes: img.data } } }
        : { text: `[image: ${url}]` },
    file: (f: InlineFile) => {
      const format = DOCUMENT_FORMATS[f.mime.toLowerCase()];
      if (!format)
        return { text: `[document ${f.filename ?? ''} (${f.mime}): a format Bedrock does not take]` };
      return {
        document: { format, name: converseDocumentName(f.filename, ++docs), source: { bytes: f.data } },
      };
    },
  });
}

/**
 * OpenAI chat request -> Converse request body (model goes in the URL). `baseModel`: the model the registry says the
 * id serves (an application inference profile ARN does not name it), for recognising Claude.
 */
export function openaiChatToConverseRequest(
  req: OaChatRequest,
  baseModel?: string | null,
  defaultMaxTokens: number = DEFAULT_MAX_TOKENS,
): Obj {
  const claude = modelFamily({ modelId: req.model ?? '', baseModel }) === 'claude';
  const system: Obj[] = [];
  const messages: Array<{ role: 'user' | 'assistant'; content: Obj[] }> = [];
  const push = (role: 'user' | 'assistant', content: Obj[]) => {
    if (!content.length) return;
    const last = messages[messages.length - 1];
    if (last && last.role === role) last.content.push(...content);
    else messages.push({ role, content });
  };
  for (const m of req.messages ?? []) {
    if (m.role === 'system' || m.role === 'developer')
      system.push(...blocksOf(m.content).filter((b) => 'text' in b));
    else if (m.role === 'user') push('user', blocksOf(m.content));
    else if (m.role === 'assistant') {
      // Claude's own thinking, signed, a Responses client sent back (see SIGNED_THINKING): first, as Claude wrote it;
      // to Claude only.
      const blocks = [
        ...(claude ? (signedThinkingOn(m, 'bedrock') ?? []).map(reasoningBlock) : []),
        ...blocksOf(m.content),
      ];
      for (const tc of m.tool_calls ?? [])
        if (tc.function)
          blocks.push({
            toolUse: {
              toolUseId: tc.id,
              name: tc.function.name,
              input: parseToolArguments(tc.function.arguments),
            },
          });
      push('assistant', blocks);
    } else if (m.role === 'tool' || m.role === 'function') {
      const text =
        typeof m.content === 'string'
          ? m.content
          : blocksOf(m.content)
              .map((b) => String(b.text ?? ''))
              .join('');
      push('user', [{ toolResult: { toolUseId: m.tool_call_id ?? '', content: [{ text }] } }]);
    }
  }
  const out: Obj = { messages };
  if (system.length) out.system = system;
  const inf: Obj = {};
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (typeof max === 'number') inf.maxTokens = max;
  if (typeof req.temperature === 'number') inf.temperature = req.temperature;
  // Claude models from Opus 4.1 and Sonnet 4.5 on refuse temperature and topP together (as on Anthropic's own
  // API): for a Claude model, temperature goes and topP only alone.
  if (typeof req.top_p === 'number' && !(claude && typeof req.temperature === 'number')) inf.topP = req.top_p;
  if (req.stop != null) inf.stopSequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (Object.keys(inf).length) out.inferenceConfig = inf;
  // Converse's stop reason says only that a stop sequence ended the answer: Claude's own field says which, returned
  // when asked for (an Anthropic client's answer carries it as stop_sequence).
  if (claude && Array.isArray(inf.stopSequences) && inf.stopSequences.length)
    out.additionalModelResponseFieldPaths = ['/stop_sequence'];
  // Converse has no "none" tool choice: "none" withholds the tools, unless the messages hold tool calls or results,
  // which Converse rejects without a toolConfig ("The toolConfig field must be defined when using toolUse and
  // toolResult content blocks"). Then the tools go with no tool choice (the model's default, auto): the request is
  // answered, and the model, shown the conversation, decides whether to call one.
  const toolHistory = messages.some((m) => m.content.some((b) => 'toolUse' in b || 'toolResult' in b));
  const offered = (req.tools ?? []).filter((t) => t.function);
  if (offered.length && (req.tool_choice !== 'none' || toolHistory)) {
    const toolConfig: Obj = {
      tools: offered.map((t) => ({
        toolSpec: {
          name: t.function.name,
          ...(t.function.description ? { description: t.function.description } : {}),
          inputSchema: { json: t.function.parameters ?? { type: 'object', properties: {} } },
        },
      })),
    };
    const tc = req.tool_choice;
    if (tc === 'auto') toolConfig.toolChoice = { auto: {} };
    else if (tc === 'required') toolConfig.toolChoice = { any: {} };
    else if (tc && typeof tc === 'object' && tc.function)
      toolConfig.toolChoice = { tool: { name: tc.function.name } };
    out.toolConfig = toolConfig;
  } else if (toolHistory) {
    // Tool calls and results in the conversation but no tools in this turn (a summary, a turn that must not call
    // anything): Converse still requires a toolConfig. The tools the history called go in it, each with a schema
    // that takes any input and a description saying it is not available now, with no tool choice.
    out.toolConfig = { tools: historyTools(messages) };
  }
  if (claude) withConverseThinking(out, inf, req, defaultMaxTokens, baseModel);
  return out;
}

/**
 * The pivot's reasoning as Claude's thinking on Converse (Anthropic's fields, in additionalModelRequestFields), in the
 * form the model takes, as on Anthropic's API (see claudeThinking: a budget within the output cap, which then goes, as
 * Converse's default cap is not the one the gateway reserved; or adaptive thinking and its effort); the sampling
 * Claude refuses beside thinking is left out.
 */
function withConverseThinking(
  out: Obj,
  inf: Obj,
  req: OaChatRequest,
  defaultMaxTokens: number,
  baseModel?: string | null,
): void {
  const messages = out.messages as Array<{ role: string; content: Obj[] }>;
  const last = messages[messages.length - 1];
  // A turn continuing a tool call whose assistant turn opens with Claude's own (signed) thinking keeps thinking on.
  const lastAssistant = messages.findLast((m) => m.role === 'assistant');
  const toolTurn =
    last?.role === 'user' &&
    last.content.some((b) => 'toolResult' in b) &&
    !(lastAssistant?.content[0] && 'reasoningContent' in lastAssistant.content[0]);
  const choice = (out.toolConfig as Obj | undefined)?.toolChoice as Obj | undefined;
  const t = claudeThinking(req, typeof inf.maxTokens === 'number' ? inf.maxTokens : defaultMaxTokens, {
    forcedTool: !!choice && ('any' in choice || 'tool' in choice),
    toolTurn,
    model: claudeThinkingFacts({ modelId: req.model ?? '', baseModel }),
  });
  if (!t) {
    // Without thinking, the thinking blocks restored into the request go (see withoutThinkingBlocks on Anthropic's).
    if (messages.some((m) => m.content.some((b) => 'reasoningContent' in b)))
      out.messages = messages
        .map((m) => ({ ...m, content: m.content.filter((b) => !('reasoningContent' in b)) }))
        .filter((m) => m.content.length > 0);
    return;
  }
  out.additionalModelRequestFields = claudeThinkingFields(t);
  if (t.type === 'enabled') inf.maxTokens = t.maxTokens;
  delete inf.temperature;
  if (typeof inf.topP === 'number' && inf.topP < THINKING_MIN_TOP_P) delete inf.topP;
  out.inferenceConfig = inf;
}

/**
 * The pivot's reasoning as the Converse request (`out`, openaiChatToConverseRequest's) carries it, for
 * PreparedCall.changedParams in the client's terms (`param`): `left out` when an effort or budget was asked and no
 * thinking goes (a model other than Claude, which is sent none; Claude with a forced tool or a cap that holds no
 * budget), the effort adaptive thinking goes at when it is not the one asked; null otherwise.
 */
export function converseThinkingChange(req: OaChatRequest, out: Obj, param: string): string | null {
  const fields = out.additionalModelRequestFields;
  return translatedThinkingChange(req, fields && typeof fields === 'object' ? (fields as Obj) : {}, param);
}

/** One of Claude's signed blocks as Converse's reasoningContent block. */
function reasoningBlock(b: SignedThinkingBlock): Obj {
  return b.type === 'thinking'
    ? { reasoningContent: { reasoningText: { text: b.thinking, signature: b.signature } } }
    : { reasoningContent: { redactedContent: b.data } };
}

/** The tools a conversation's tool calls name (in order, once each), as Converse tool specs for a turn without tools. */
function historyTools(messages: Array<{ content: Obj[] }>): Obj[] {
  const names = new Set<string>();
  for (const m of messages)
    for (const b of m.content) {
      const name = (b.toolUse as Obj | undefined)?.name;
      if (typeof name === 'string' && name) names.add(name);
    }
  // Tool results alone (their calls cut from the history) name no tool: one placeholder makes the toolConfig valid.
  if (names.size === 0) names.add('unavailable_tool');
  return [...names].map((name) => ({
    toolSpec: {
      name,
      description: 'Not available in this turn.',
      inputSchema: { json: { type: 'object', properties: {} } },
    },
  }));
}
