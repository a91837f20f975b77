import { describe, expect, it } from 'vitest';
import { extractUsageObject, rewriteBody, scanTopLevel } from './json-fast.js';

const rw = (s: string, o: Parameters<typeof rewriteBody>[1]) => rewriteBody(Buffer.from(s), o);

describe('rewriteBody', () => {
  it('replaces only the top-level model, leaving every other byte untouched', () => {
    const src = '{"messages":[{"role":"user","content":"{\\"model\\":\\"x\\"} model"}],\n  "model" : "alias",\n"temperature":0.5}';
    const out = rw(src, { model: 'gpt-4o' }).body.toString();
    expect(out).toBe(src.replace('"alias"', '"gpt-4o"'));
    expect(JSON.parse(out).messages[0].content).toBe('{"model":"x"} model');
  });

  it('handles escaped quotes and trailing backslashes inside strings', () => {
    const src = JSON.stringify({ a: 'x\\', b: 'say "model": \\"', model: 'old', c: ['"model"'] });
    const out = rw(src, { model: 'new' }).body.toString();
    expect(JSON.parse(out)).toEqual({ ...JSON.parse(src), model: 'new' });
  });

  it('does not touch a nested "model" key', () => {
    const out = rw('{"metadata":{"model":"keep"},"model":"a"}', { model: 'b' }).body.toString();
    expect(JSON.parse(out)).toEqual({ metadata: { model: 'keep' }, model: 'b' });
  });

  it('adds stream_options.include_usage when streaming, and reports whether the client asked', () => {
    const r = rw('{"model":"a","stream":true,"messages":[]}', { model: 'b', includeUsage: true });
    expect(JSON.parse(r.body.toString())).toEqual({ stream_options: { include_usage: true }, model: 'b', stream: true, messages: [] });
    expect(r.clientAskedUsage).toBe(false);
    expect(r.stream).toBe(true);
    const asked = rw('{"model":"a","stream":true,"stream_options":{"include_usage":true}}', { model: 'b', includeUsage: true });
    expect(asked.clientAskedUsage).toBe(true);
    expect(JSON.parse(asked.body.toString()).stream_options).toEqual({ include_usage: true });
  });

  it('merges into an existing stream_options without include_usage', () => {
    const r = rw('{"model":"a","stream":true,"stream_options":{"x":1}}', { includeUsage: true });
    expect(JSON.parse(r.body.toString()).stream_options).toEqual({ x: 1, include_usage: true });
  });

  it('leaves non-stream bodies alone apart from the model, and adds a missing model', () => {
    expect(rw('{"model":"a"}', { includeUsage: true }).body.toString()).toBe('{"model":"a"}');
    expect(JSON.parse(rw('{"input":"x"}', { model: 'm' }).body.toString())).toEqual({ model: 'm', input: 'x' });
    expect(JSON.parse(rw('{}', { model: 'm' }).body.toString())).toEqual({ model: 'm' });
  });

  it('rejects bodies that are not JSON objects', () => {
    expect(() => rw('[1,2]', { model: 'm' })).toThrow(SyntaxError);
    expect(() => rw('{"model": "a"', { model: 'm' })).toThrow(SyntaxError);
    expect(scanTopLevel(Buffer.from('nope'), ['model'])).toBeNull();
  });
});

describe('extractUsageObject', () => {
  it('finds the last usage object without parsing the document', () => {
    const text = '{"choices":[{"message":{"content":"\\"usage\\": {fake}"}}],"usage": {"prompt_tokens":3,"completion_tokens":4,"prompt_tokens_details":{"cached_tokens":1}}}';
    expect(extractUsageObject(text)).toEqual({ prompt_tokens: 3, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 1 } });
    expect(extractUsageObject('{"usage":null}')).toBeNull();
  });
});
