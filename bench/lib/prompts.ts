/**
 * Realistic prompts for the benchmarks: a 4 KB support ticket holding a few sensitive values among near-misses
 * (order numbers, versions, timestamps, code), and 4 KB of plain prose with none.
 */
const TICKET = [
  'Hello support team,\n\nI am writing about my account. My name is Maria Garcia and my email is ',
  'maria.garcia@example.com; you can also reach me on +34 612 345 678 during office hours. Last week my card ',
  '4111 1111 1111 1111 was charged twice for order 88231 (invoice INV-2024-0042, 2024-03-01). Please refund the ',
  'second charge to IBAN DE89 3704 0044 0532 0130 00.\n\nOur integration also started failing after we upgraded ',
  'the SDK to version 4.2.1. Here is the relevant part of the log:\n\n',
  '2024-03-01T12:00:01.123Z INFO  request id=7f3a9c2e route=/v1/chat/completions latency_ms=231 status=200\n',
  '2024-03-01T12:00:02.456Z WARN  retrying upstream after 429 (attempt 2 of 3) from 10.20.30.40\n',
  '2024-03-01T12:00:04.789Z ERROR auth failed: invalid key for project 1234 (client 203.0.113.42)\n\n',
  'The request body we send looks like this:\n\n',
  '{"model":"gpt-4o","temperature":0.2,"max_tokens":1024,"messages":[{"role":"user","content":"Summarise ',
  'the attached quarterly report in five bullet points and list three risks."}]}\n\n',
  'And the code that builds it:\n\n',
  'export async function summarise(report: string, opts: { maxTokens?: number } = {}) {\n',
  '  const res = await client.chat.completions.create({\n',
  '    model: "gpt-4o",\n    temperature: 0.2,\n    max_tokens: opts.maxTokens ?? 1024,\n',
  '    messages: [{ role: "user", content: `Summarise:\\n${report}` }],\n  });\n',
  '  return res.choices[0]?.message.content ?? "";\n}\n\n',
  'We deploy with the key in an environment variable, e.g. AWS access key AKIAIOSFODNN7EXAMPLE for the ',
  'storage bucket. Could you check whether anything on your side changed around 12:00 UTC? The same code ',
  'works from our staging cluster. Thank you for looking into it, and sorry for the long message.\n\n',
].join('');

const PROSE_PARA =
  'The committee reviewed the proposal in detail and agreed that the plan balances ambition with the ' +
  'resources available. Several members asked for a clearer timeline, a short list of measurable goals, and ' +
  'a description of how progress will be reported to the wider group each quarter. ';

function toSize(base: string, size: number): string {
  let s = base;
  while (s.length < size) s += '\n' + base;
  return s.slice(0, size);
}

export const MIXED_4K = toSize(TICKET, 4096);
export const PROSE_4K = toSize(PROSE_PARA, 4096);
