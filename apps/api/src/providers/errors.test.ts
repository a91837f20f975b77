import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  errorInAnswer,
  normalizeUpstreamError,
  parseRetryAfter,
  scrubAccountIds,
  scrubSecrets,
} from './errors.js';

const oa = (message: string, type = 'invalid_request_error', code: string | null = null) =>
  JSON.stringify({ error: { message, type, code, param: null } });
const an = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message } });

describe('normalizeUpstreamError', () => {
  const table: Array<[string, number, Record<string, string>, string, string, boolean]> = [
    // name, status, headers, body, expected kind, retryable
    [
      'OpenAI context length',
      400,
      {},
      oa(
        "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
        'invalid_request_error',
        'context_length_exceeded',
      ),
      'context_window',
      false,
    ],
    [
      'Anthropic prompt too long',
      400,
      {},
      an('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'),
      'context_window',
      false,
    ],
    [
      'Gemini token limit',
      400,
      {},
      JSON.stringify({
        error: {
          code: 400,
          message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
          status: 'INVALID_ARGUMENT',
        },
      }),
      'context_window',
      false,
    ],
    [
      'Bedrock too long',
      400,
      { 'x-amzn-errortype': 'ValidationException:http://internal' },
      JSON.stringify({ message: 'Input is too long for requested model.' }),
      'context_window',
      false,
    ],
    [
      'OpenAI insufficient quota on 429',
      429,
      {},
      oa(
        'You exceeded your current quota, please check your plan and billing details.',
        'insufficient_quota',
        'insufficient_quota',
      ),
      'billing',
      false,
    ],
    [
      'Anthropic credit balance',
      400,
      {},
      an('invalid_request_error', 'Your credit balance is too low to access the Anthropic API.'),
      'billing',
      false,
    ],
    [
      'OpenRouter 402',
      402,
      {},
      JSON.stringify({ error: { message: 'Insufficient credits', code: 402 } }),
      'billing',
      false,
    ],
    [
      'Azure content filter',
      400,
      {},
      JSON.stringify({
        error: {
          message:
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
          code: 'content_filter',
          innererror: { code: 'ResponsibleAIPolicyViolation' },
        },
      }),
      'policy',
      false,
    ],
    [
      'OpenAI model not found',
      404,
      {},
      oa(
        'The model `gpt-9` does not exist or you do not have access to it.',
        'invalid_request_error',
        'model_not_found',
      ),
      'model_not_found',
      false,
    ],
    [
      // The account (a caller's BYOK key, say) may not use the model: the same code, a 403. Core cools that key × model.
      'OpenAI project without access to the model',
      403,
      {},
      oa(
        'Project `proj_abc` does not have access to model `gpt-test`',
        'invalid_request_error',
        'model_not_found',
      ),
      'model_not_found',
      false,
    ],
    [
      'Anthropic model not found',
      404,
      {},
      an('not_found_error', 'model: claude-nope'),
      'model_not_found',
      false,
    ],
    [
      'Azure deployment not found',
      404,
      {},
      JSON.stringify({
        error: {
          code: 'DeploymentNotFound',
          message: 'The API deployment for this resource does not exist.',
        },
      }),
      'model_not_found',
      false,
    ],
    [
      'Ollama model not found (string error)',
      404,
      {},
      JSON.stringify({ error: "model 'llama9' not found" }),
      'model_not_found',
      false,
    ],
    [
      'Rate limit with Retry-After',
      429,
      { 'retry-after': '7' },
      oa('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'),
      'rate_limit',
      true,
    ],
    [
      // One request larger than the account's tokens-per-minute limit: its size, not a rate limit (nothing to wait for).
      'OpenAI request too large for the TPM limit (429, rate_limit_exceeded)',
      429,
      { 'retry-after': '20' },
      oa(
        'Request too large for big-test in organization org-abc on tokens per min (TPM): Limit 30000, Requested 250000. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.',
        'tokens',
        'rate_limit_exceeded',
      ),
      'request_too_large',
      false,
    ],
    [
      // Anthropic's 413: the request body is over the API's byte limit. Its size, not its prompt's length in tokens:
      // a larger context window does not help, another target (another API, another limit) may take it.
      'Anthropic request body too large (413, request_too_large)',
      413,
      {},
      an('request_too_large', 'Request exceeds the maximum allowed number of bytes.'),
      'request_too_large',
      false,
    ],
    [
      // A proxy or load balancer in front of a provider refusing the body by its size (HTTP's own 413): nothing says
      // the prompt is too long for the model, so it is not a context-window verdict (which would only try larger
      // windows and answer 400 context_length_exceeded).
      "a reverse proxy's bare 413 (Payload Too Large, no code)",
      413,
      { 'content-type': 'text/html' },
      '<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>nginx</center></body></html>',
      'request_too_large',
      false,
    ],
    [
      'a 413 whose message says the prompt is too long stays a context-window error',
      413,
      {},
      oa(
        "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
        'invalid_request_error',
        null,
      ),
      'context_window',
      false,
    ],
    [
      'OpenAI TPM rate limit reached (the account is busy): still a rate limit',
      429,
      { 'retry-after': '2' },
      oa(
        'Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Used 29000, Requested 2000. Please try again in 2s. Visit https://platform.openai.com/account/rate-limits to learn more.',
        'tokens',
        'rate_limit_exceeded',
      ),
      'rate_limit',
      true,
    ],
    ['Anthropic overloaded 529', 529, {}, an('overloaded_error', 'Overloaded'), 'overloaded', true],
    [
      'Bedrock throttling',
      400,
      { 'x-amzn-errortype': 'ThrottlingException' },
      JSON.stringify({ message: 'Too many requests, please wait before trying again.' }),
      'rate_limit',
      true,
    ],
    [
      'Bad key',
      401,
      {},
      oa('Incorrect API key provided: sk-abc***', 'invalid_request_error', 'invalid_api_key'),
      'auth',
      false,
    ],
    ['Plain text 502', 502, {}, '<html>Bad Gateway</html>', 'server', true],
    ['Gateway timeout', 504, {}, '', 'timeout', true],
    ['Plain bad request', 400, {}, oa('temperature must be <= 2'), 'bad_request', false],
    // A caller's own values quoted back never decide the verdict: a role "billing" is not a billing error, a role
    // naming a model "not available" is not a missing model (either would cool a shared target for everyone).
    [
      'OpenAI invalid role value "billing" (quoted back)',
      400,
      {},
      JSON.stringify({
        error: {
          message:
            "Invalid value: 'billing'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.",
          type: 'invalid_request_error',
          param: 'messages[0].role',
          code: 'invalid_value',
        },
      }),
      'bad_request',
      false,
    ],
    [
      'OpenAI invalid value that mentions a model "not available" (quoted back)',
      400,
      {},
      oa(
        "Invalid value: 'my model is not available'. Supported values are: 'system', 'assistant', 'user'.",
        'invalid_request_error',
        'invalid_value',
      ),
      'bad_request',
      false,
    ],
    [
      'a quoted "insufficient credits" with only the generic type',
      400,
      {},
      oa("Invalid value: 'insufficient credits'. Supported values are: 'system', 'user'."),
      'bad_request',
      false,
    ],
    [
      'a quoted "credit balance" in double quotes, Anthropic shape',
      400,
      {},
      an('invalid_request_error', 'messages.0.role: Input should be "credit balance" or "user"'),
      'bad_request',
      false,
    ],
    [
      'a 404 for a caller-given id containing "model"',
      404,
      {},
      oa(
        "Previous response with id 'resp_model_0001' not found.",
        'invalid_request_error',
        'previous_response_not_found',
      ),
      'not_found',
      false,
    ],
    [
      'a 404 with the generic type whose only "model" is quoted',
      404,
      {},
      oa("File 'model-weights.bin' not found."),
      'not_found',
      false,
    ],
    [
      "a billing code on a 400 still says billing (the code is the provider's own)",
      400,
      {},
      oa('Billing hard limit has been reached', 'invalid_request_error', 'billing_hard_limit_reached'),
      'billing',
      false,
    ],
    [
      'a named request error may still be a context-window error by its message',
      400,
      {},
      oa(
        "Invalid 'messages[0].content': string too long. Expected a string with maximum length 1048576, but got a string with length 2000000 instead. Please reduce the length of the messages.",
        'invalid_request_error',
        'invalid_string_length',
      ),
      'context_window',
      false,
    ],
    [
      'OpenAI billing not active (403)',
      403,
      {},
      oa(
        'Your account is not active, please check your billing details on our website.',
        'billing_not_active',
        'billing_not_active',
      ),
      'billing',
      false,
    ],
    // Regression: a generic error type must not hide the status (a 429 was once classified bad_request).
    ['429 with a generic error type', 429, { 'retry-after': '30' }, oa('Slow down'), 'rate_limit', true],
    ['503 with a generic error type', 503, {}, oa('Try later'), 'overloaded', true],
    ['401 with a generic error type', 401, {}, oa('Nope'), 'auth', false],
  ];
  for (const [name, status, headers, body, kind, retryable] of table) {
    it(name, () => {
      const e = normalizeUpstreamError(status, headers, body, 0);
      expect(e.kind).toBe(kind);
      expect(e.retryable).toBe(retryable);
      expect(e.status).toBe(status);
      expect(e.message.length).toBeGreaterThan(0);
    });
  }

  it('property: a value quoted back in a 400 never makes it billing or a missing model', () => {
    const value = fc.string({ maxLength: 80 }).filter((v) => !/['\n]/.test(v));
    fc.assert(
      fc.property(value, fc.constantFrom<string | null>('invalid_value', null), (v, code) => {
        const body = oa(
          `Invalid value: '${v}'. Supported values are: 'system', 'user'.`,
          'invalid_request_error',
          code,
        );
        expect(normalizeUpstreamError(400, {}, body, 0).kind).toBe('bad_request');
      }),
      { numRuns: 300 },
    );
    for (const v of [
      'billing',
      'insufficient credits',
      'credit balance',
      'model_not_found',
      'the model does not exist',
    ])
      expect(
        normalizeUpstreamError(400, {}, oa(`Invalid value: '${v}'. Supported values are: 'user'.`), 0).kind,
      ).toBe('bad_request');
  });

  it('keeps the upstream code and message', () => {
    const e = normalizeUpstreamError(
      429,
      { 'retry-after': '7' },
      oa('Rate limit reached', 'requests', 'rate_limit_exceeded'),
    );
    expect(e).toMatchObject({
      code: 'rate_limit_exceeded',
      message: 'Rate limit reached',
      retryAfterMs: 7000,
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(parseRetryAfter({ 'retry-after': '2' })).toBe(2000);
    expect(parseRetryAfter({ 'retry-after-ms': '150', 'retry-after': '9' })).toBe(150);
    expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 1970 00:00:05 GMT' }, 1000)).toBe(4000);
    expect(parseRetryAfter({})).toBeNull();
  });
});

describe('scrubSecrets', () => {
  const KEY = 'sk-live-Zx81-qq-0099';
  const table: Array<[string, string, string | null, string]> = [
    // name, text, key used for the call, expected
    ['the key itself', `Incorrect API key provided: ${KEY}.`, KEY, 'Incorrect API key provided: [redacted].'],
    [
      'URL-encoded key',
      `bad key ${encodeURIComponent('k3y/with+odd=chars&1')}`,
      'k3y/with+odd=chars&1',
      'bad key [redacted]',
    ],
    [
      'a key that is not key-shaped',
      'rejected: local-secret-12345678 (invalid)',
      'local-secret-12345678',
      'rejected: [redacted] (invalid)',
    ],
    [
      'AWS id:secret parts',
      'The security token AKIDEXAMPLE123 / wJalrXUtnFEMIbPxRfiCYEXAMPLEKEY is invalid',
      'AKIDEXAMPLE123:wJalrXUtnFEMIbPxRfiCYEXAMPLEKEY',
      'The security token [redacted] / [redacted] is invalid',
    ],
    [
      'bearer token',
      'got Authorization: Bearer abc.def-ghi_jkl~mno',
      null,
      'got Authorization: Bearer [redacted]',
    ],
    ['OpenAI project key', 'key sk-proj-AAAAbbbbCCCC1111 is disabled', null, 'key [redacted] is disabled'],
    ['Anthropic key', 'invalid x-api-key: sk-ant-api03-abcdEFGH1234', null, 'invalid x-api-key: [redacted]'],
    [
      'AWS access key id',
      'The key AKIAIOSFODNN7EXAMPLE does not exist',
      null,
      'The key [redacted] does not exist',
    ],
    [
      'Google key',
      'API key not valid: AIzaSyA1234567890abcdefghijklmnopqrstu',
      null,
      'API key not valid: [redacted]',
    ],
    [
      'GitHub token',
      'token ghp_abcdefghijklmnopqrstuvwxyz0123456789 revoked',
      null,
      'token [redacted] revoked',
    ],
    [
      'hex after key=',
      'request ?key=0123456789abcdef0123456789abcdef failed',
      null,
      'request ?key=[redacted] failed',
    ],
    [
      'base64 after "token":',
      '{"token": "dGhpcyBpcyBhIHNlY3JldCB0b2tlbg1=="}',
      null,
      '{"token": "[redacted]"}',
    ],
    [
      'prose stays',
      "This model's maximum context length is 8192 tokens. Please reduce the length of the messages.",
      KEY,
      "This model's maximum context length is 8192 tokens. Please reduce the length of the messages.",
    ],
    [
      'rate limit prose stays',
      'Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Used 29000.',
      KEY,
      'Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Used 29000.',
    ],
    ['a short key is not scrubbed letter by letter', 'abc def', 'abc', 'abc def'],
  ];
  it.each(table)('%s', (_name, text, key, expected) => {
    expect(scrubSecrets(text, key)).toBe(expected);
  });

  it('normalizeUpstreamError scrubs the message and code it returns', () => {
    const e = normalizeUpstreamError(
      400,
      {},
      oa(`Bad key ${KEY}`, 'invalid_request_error', KEY),
      undefined,
      KEY,
    );
    expect(JSON.stringify(e)).not.toContain(KEY);
  });

  it('property: the key used for the call never survives, whatever surrounds it', () => {
    const keyChar = fc.constantFrom(
      ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+=:'.split(''),
    );
    fc.assert(
      fc.property(
        fc.string({ unit: keyChar, minLength: 8, maxLength: 80 }),
        fc.string({ maxLength: 60 }),
        fc.string({ maxLength: 60 }),
        fc.boolean(),
        (key, before, after, encoded) => {
          const out = scrubSecrets(`${before}${encoded ? encodeURIComponent(key) : key}${after}`, key);
          expect(out).not.toContain(encoded ? encodeURIComponent(key) : key);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('scrubAccountIds', () => {
  // The provider accounts behind the gateway are its operator's: what a caller receives names none of them, and
  // says everything else as the provider said it.
  const table: Array<[string, string, string]> = [
    [
      'OpenAI organization',
      'Rate limit reached for gpt-4o in organization org-AbCdEf123456GhIjKl7890 on tokens per min (TPM): Limit 30000, Used 29500, Requested 1200. Please try again in 2.4s.',
      'Rate limit reached for gpt-4o in organization [redacted] on tokens per min (TPM): Limit 30000, Used 29500, Requested 1200. Please try again in 2.4s.',
    ],
    [
      'OpenAI project',
      'Rate limit reached for gpt-4o-mini in project proj_Zy9XwVu8TsRq7PoNmLkJ on requests per day (RPD): Limit 10000.',
      'Rate limit reached for gpt-4o-mini in project [redacted] on requests per day (RPD): Limit 10000.',
    ],
    [
      'Groq organization (quoted)',
      'Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_01hx5w3q2n8v9zyx7k6j5m4p3r` service tier `on_demand` on tokens per minute (TPM): Limit 6000.',
      'Rate limit reached for model `llama-3.3-70b-versatile` in organization `[redacted]` service tier `on_demand` on tokens per minute (TPM): Limit 6000.',
    ],
    [
      'Anthropic organization',
      'This request would exceed the rate limit for your organization (3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b) of 50,000 input tokens per minute.',
      'This request would exceed the rate limit for your organization ([redacted]) of 50,000 input tokens per minute.',
    ],
    [
      'organization_id field',
      'organization_id: 3F2A1B4C-5D6E-4F70-8A9B-0C1D2E3F4A5B is over its limit',
      'organization_id: [redacted] is over its limit',
    ],
    [
      'Anthropic workspace',
      'Workspace wrkspc_01AbCdEfGhIjKlMnOpQr has reached its spend limit.',
      'Workspace [redacted] has reached its spend limit.',
    ],
    [
      'Bedrock ARN',
      'The provided model identifier arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6 is invalid.',
      'The provided model identifier arn:aws:bedrock:us-east-1:[redacted]:application-inference-profile/a1b2c3d4e5f6 is invalid.',
    ],
    [
      'IAM principal',
      'User: arn:aws:sts::123456789012:assumed-role/gateway-prod/i-0abc is not authorized to perform: bedrock:InvokeModel',
      'User: arn:aws:sts::[redacted]:[redacted] is not authorized to perform: bedrock:InvokeModel',
    ],
    [
      'AWS account named in prose',
      'The account 123456789012 is not subscribed to this model; Account ID: 210987654321.',
      'The account [redacted] is not subscribed to this model; Account ID: [redacted].',
    ],
    [
      'Azure resource path',
      'The resource /subscriptions/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/resourceGroups/rg-prod/providers/Microsoft.CognitiveServices/accounts/acme-openai was not found.',
      'The resource /subscriptions/[redacted]/resourceGroups/[redacted]/providers/Microsoft.CognitiveServices/accounts/[redacted] was not found.',
    ],
    [
      'Azure subscription and resource host',
      'Subscription 0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b: https://acme-prod-eastus.openai.azure.com/openai/deployments/gpt4o is over quota',
      'Subscription [redacted]: https://[redacted].openai.azure.com/openai/deployments/gpt4o is over quota',
    ],
    [
      'Google project',
      "Quota exceeded for quota metric 'Generate Content API requests per minute' of service 'generativelanguage.googleapis.com' for consumer 'project_number:123456789012'.",
      "Quota exceeded for quota metric 'Generate Content API requests per minute' of service 'generativelanguage.googleapis.com' for consumer 'project_number:[redacted]'.",
    ],
    [
      'Vertex project',
      'Publisher model projects/acme-prod-4711/locations/us-central1/publishers/google/models/gemini-x was not found',
      'Publisher model projects/[redacted]/locations/us-central1/publishers/google/models/gemini-x was not found',
    ],
    [
      'prose and foundation-model ARNs stay',
      "This model's maximum context length is 8192 tokens (arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2). Visit https://platform.openai.com/account/rate-limits, org-wide limits apply.",
      "This model's maximum context length is 8192 tokens (arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2). Visit https://platform.openai.com/account/rate-limits, org-wide limits apply.",
    ],
    [
      'a UUID no account word names stays',
      'tool_call_id 3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b has no result',
      'tool_call_id 3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b has no result',
    ],
  ];
  it.each(table)('%s', (_name, text, expected) => {
    expect(scrubAccountIds(text)).toBe(expected);
  });
});

describe('errorInAnswer: a failure sent with a 2xx', () => {
  const b = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
  it.each<[string, unknown, { status: number } | null]>([
    ['an OpenAI-style error', { error: { message: 'overloaded', type: 'server_error' } }, { status: 502 }],
    ['an error naming its status in code', { error: { code: 429, message: 'slow down' } }, { status: 429 }],
    ['an error naming its status in status', { error: { status: 503, message: 'x' } }, { status: 503 }],
    ['a code outside 400–599 is not a status', { error: { code: 200, message: 'x' } }, { status: 502 }],
    ['an error as a string', { error: 'upstream failed' }, { status: 502 }],
    ["Anthropic's error event", { type: 'error', error: { type: 'overloaded_error' } }, { status: 502 }],
    [
      'a failed Responses answer',
      { object: 'response', status: 'failed', error: { code: 'server_error' } },
      { status: 502 },
    ],
    [
      'a completed Responses answer (error null)',
      { object: 'response', status: 'completed', error: null },
      null,
    ],
    [
      'an answer with choices beside an error field',
      { choices: [{ index: 0 }], error: { message: 'x' } },
      null,
    ],
    ['an Anthropic message', { type: 'message', content: [{ type: 'text', text: 'x' }], error: 'x' }, null],
    ['embeddings', { data: [{ embedding: [0.1] }], error: { message: 'x' } }, null],
    ['"error" only inside the text', { choices: [{ message: { content: '{"error": {"a": 1}}' } }] }, null],
    ['an error key nested in the answer', { result: { error: { message: 'x' } }, choices: [] }, null],
    ['not JSON', '{"error": {', null],
    ['a JSON array', [{ error: { message: 'x' } }], null],
  ])('%s', (_name, body, expected) => {
    expect(errorInAnswer(b(body))).toEqual(expected);
  });
});
