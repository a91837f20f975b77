/**
 * What the stored conversations of Responses answers this instance relayed cost, by response id: a request that
 * continues one (`previous_response_id`) is billed the whole conversation as input, which its body does not hold,
 * so its budgets reserve this figure on top of its own prompt (core's `reservedPromptTokens`).
 *
 * A response's figure is its input plus its output tokens as the provider reported them: its input already held
 * the conversation before it, and the next turn's input holds it and this answer. Only reported figures are kept (an
 * estimate would count the new input alone). Held in memory, at most `CONVERSATIONS_MAX` ids (the oldest goes
 * first, ~150 bytes each); a response this instance did not relay, or has forgotten, is reserved its model's whole
 * context window instead.
 */
export const CONVERSATIONS_MAX = 100_000;

/** Response ids longer than this are not remembered (OpenAI's are ~50 characters). */
const MAX_ID_LENGTH = 200;

export class ConversationTokens {
  readonly #tokens = new Map<string, number>();

  constructor(private readonly max = CONVERSATIONS_MAX) {}

  remember(responseId: string, tokens: number): void {
    if (!responseId || responseId.length > MAX_ID_LENGTH || !Number.isFinite(tokens) || tokens < 0) return;
    this.#tokens.delete(responseId);
    this.#tokens.set(responseId, Math.ceil(tokens));
    if (this.#tokens.size > this.max) this.#tokens.delete(this.#tokens.keys().next().value!);
  }

  /** The conversation's tokens, or null when this instance does not know the response. */
  get(responseId: string): number | null {
    return this.#tokens.get(responseId) ?? null;
  }

  get size(): number {
    return this.#tokens.size;
  }
}
