/**
 * The benchmark's upstream: raw node:http, answers from pre-serialised bodies so it costs as little as possible.
 * - POST …/chat/completions: a ~1.4 KB OpenAI chat completion with usage; with "stream": true, SSE with 32
 *   content deltas, a usage chunk and [DONE].
 * - POST …/messages: an Anthropic Messages answer.
 * Run: tsx mock-upstream.ts <port>
 */
import { createServer } from 'node:http';

const text = 'Switchyard benchmark answer. '.repeat(30).trim();
const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'bench-model',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: text.slice(0, 1100) },
      finish_reason: 'stop',
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 24, completion_tokens: 220, total_tokens: 244 },
});
const words = text.split(' ');
const deltas = Array.from({ length: 32 }, (_, i) => words.slice(i * 3, i * 3 + 3).join(' ') + ' ');
const sse = Buffer.from(
  [
    ...deltas.map(
      (d, i) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'bench-model', choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content: d } : { content: d }, finish_reason: null }] })}\n\n`,
    ),
    `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'bench-model', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
    `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'bench-model', choices: [], usage: { prompt_tokens: 24, completion_tokens: 96, total_tokens: 120 } })}\n\n`,
    'data: [DONE]\n\n',
  ].join(''),
);
const anthropic = JSON.stringify({
  id: 'msg_bench',
  type: 'message',
  role: 'assistant',
  model: 'bench-model',
  content: [{ type: 'text', text: text.slice(0, 1100) }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 24, output_tokens: 220 },
});

export const EXPECTED_STREAM_FRAMES = 32 + 2 + 1; // deltas + finish + usage + [DONE]

export function startMockUpstream(port: number) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      if (req.url?.endsWith('/messages')) {
        res
          .writeHead(200, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(anthropic),
          })
          .end(anthropic);
      } else if (body.includes('"stream":true')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' }).end(sse);
      } else {
        res
          .writeHead(200, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(completion),
          })
          .end(completion);
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise<typeof server>((r) => server.listen(port, '127.0.0.1', () => r(server)));
}

if (process.argv[1]?.endsWith('mock-upstream.ts')) void startMockUpstream(Number(process.argv[2] ?? 19000));
