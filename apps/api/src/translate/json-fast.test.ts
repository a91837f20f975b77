import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractUsageObject, rewriteBody, scanTopLevel } from './json-fast.js';

const rw = (s: string, o: Parameters<typeof rewriteBody>[1]) => rewriteBody(Buffer.from(s), o);

describe('rewriteBody', () => {
  it('replaces only the top-level model, leaving every other byte untouched', () => {
    const src =
      '{"messages":[{"role":"user","content":"{\\"model\\":\\"x\\"} model"}],\n  "model" : "alias",\n"temperature":0.5}';
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
    expect(JSON.parse(r.body.toString())).toEqual({
      stream_options: { include_usage: true },
      model: 'b',
      stream: true,
      messages: [],
    });
    expect(r.clientAskedUsage).toBe(false);
    expect(r.stream).toBe(true);
    const asked = rw('{"model":"a","stream":true,"stream_options":{"include_usage":true}}', {
      model: 'b',
      includeUsage: true,
    });
    expect(asked.clientAskedUsage).toBe(true);
    expect(JSON.parse(asked.body.toString()).stream_options).toEqual({ include_usage: true });
  });

  it('merges into an existing stream_options without include_usage', () => {
    const r = rw('{"model":"a","stream":true,"stream_options":{"x":1}}', { includeUsage: true });
    expect(JSON.parse(r.body.toString()).stream_options).toEqual({ x: 1, include_usage: true });
  });

  it('leaves non-stream bodies alone apart from the model, and adds a missing model', () => {
    expect(rw('{"model":"a"}', { includeUsage: true }).body.toString()).toBe('{"model":"a"}');
    expect(JSON.parse(rw('{"input":"x"}', { model: 'm' }).body.toString())).toEqual({
      model: 'm',
      input: 'x',
    });
    expect(JSON.parse(rw('{}', { model: 'm' }).body.toString())).toEqual({ model: 'm' });
  });

  it('rejects bodies that are not JSON objects', () => {
    expect(() => rw('[1,2]', { model: 'm' })).toThrow(SyntaxError);
    expect(() => rw('{"model": "a"', { model: 'm' })).toThrow(SyntaxError);
    expect(scanTopLevel(Buffer.from('nope'), ['model'])).toBeNull();
  });
});

describe('rewriteBody: escaped and repeated keys', () => {
  const rwp = (s: string, o: { model?: string; includeUsage?: boolean }) =>
    rewriteBody(Buffer.from(s), { ...o, parsed: JSON.parse(s) as Record<string, unknown> });
  const keysOf = (text: string) => {
    // Top-level keys in order, decoded (depth tracking over strings).
    const keys: string[] = [];
    let depth = 0;
    let expectKey = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        let j = i + 1;
        while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        if (depth === 1 && expectKey) keys.push(JSON.parse(text.slice(i, j + 1)) as string);
        expectKey = false;
        i = j;
      } else if (c === '{' || c === '[') {
        depth++;
        expectKey = c === '{' && depth === 1;
      } else if (c === '}' || c === ']') depth--;
      else if (c === ',' && depth === 1) expectKey = true;
    }
    return keys;
  };

  it.each([
    ['escaped duplicate after', '{"model":"a","mod\\u0065l":"b","x":1}'],
    ['escaped duplicate before', '{"mod\\u0065l":"b","model":"a","x":1}'],
    ['escaped only', '{"\\u006dodel":"b","x":1}'],
    ['repeated', '{"model":"a","x":1,"model":"b"}'],
    ['another key repeated', '{"model":"a","max_tokens":9000,"max_tokens":5}'],
    ['another key escaped and repeated', '{"model":"a","max_tokens":9000,"max_t\\u006fkens":5}'],
  ])('%s: the upstream body reads as the parsed one, with one copy of each key', (_n, src) => {
    const out = rwp(src, { model: 'routed' }).body.toString();
    expect(JSON.parse(out)).toEqual({ ...(JSON.parse(src) as object), model: 'routed' });
    const keys = keysOf(out);
    expect(keys).toHaveLength(new Set(keys).size);
  });

  it('an escaped "stream" still gets stream usage, and a repeated include_usage cannot turn it off', () => {
    const escaped = rwp('{"model":"a","str\\u0065am":true}', { model: 'b', includeUsage: true });
    expect(escaped.stream).toBe(true);
    expect(JSON.parse(escaped.body.toString())).toEqual({
      model: 'b',
      stream: true,
      stream_options: { include_usage: true },
    });
    const repeated = rwp(
      '{"model":"a","stream":true,"stream_options":{"include_usage":true,"include_usage":false}}',
      { model: 'b', includeUsage: true },
    );
    expect(repeated.clientAskedUsage).toBe(false);
    expect(JSON.parse(repeated.body.toString()).stream_options).toEqual({ include_usage: true });
    const nested = rwp('{"model":"a","stream":true,"stream_options":{"x":{"include_usage":true}}}', {
      model: 'b',
      includeUsage: true,
    });
    expect(nested.clientAskedUsage).toBe(false);
    expect(JSON.parse(nested.body.toString()).stream_options).toEqual({
      x: { include_usage: true },
      include_usage: true,
    });
  });

  it('a plain body keeps the byte-level path (every other byte as sent)', () => {
    const src =
      '{ "model" : "a", "messages":[{"role":"user","content":"mod\\u0065l"}], "temperature": 0.50 }';
    expect(rwp(src, { model: 'b' }).body.toString()).toBe(src.replace('"a"', '"b"'));
  });

  it('property: whatever the keys, the rewritten body parses to the parsed body with the routed model, without repeated keys', () => {
    const key = fc.constantFrom('model', 'stream', 'stream_options', 'max_tokens', 'x');
    const spell = (k: string, how: number) => {
      if (how === 0 || k.length === 0) return JSON.stringify(k);
      const i = how % k.length;
      return `"${k.slice(0, i)}\\u${k.charCodeAt(i).toString(16).padStart(4, '0')}${k.slice(i + 1)}"`;
    };
    const value = fc.oneof(
      fc.constantFrom(
        'true',
        'false',
        '1',
        '"m"',
        '{"include_usage":true}',
        '{"include_usage":false,"include_usage":true}',
        '[1,{"model":2}]',
        'null',
      ),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, fc.nat(8), value), { maxLength: 8 }),
        fc.boolean(),
        (members, includeUsage) => {
          const src = `{${members.map(([k, how, v]) => `${spell(k, how)}:${v}`).join(',')}}`;
          const parsed = JSON.parse(src) as Record<string, unknown>;
          const r = rewriteBody(Buffer.from(src), { model: 'routed', includeUsage, parsed });
          const out = r.body.toString();
          const got = JSON.parse(out) as Record<string, unknown>;
          expect(got.model).toBe('routed');
          const keys = keysOf(out);
          expect(keys).toHaveLength(new Set(keys).size);
          const so = got.stream_options as { include_usage?: unknown } | undefined;
          if (includeUsage && parsed.stream === true) expect(so?.include_usage).toBe(true);
          const { model: _m, stream_options: _s, ...rest } = got;
          const { model: _pm, stream_options: _ps, ...prest } = parsed;
          expect(rest).toEqual(prest);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('extractUsageObject', () => {
  it('finds the last usage object without parsing the document', () => {
    const text =
      '{"choices":[{"message":{"content":"\\"usage\\": {fake}"}}],"usage": {"prompt_tokens":3,"completion_tokens":4,"prompt_tokens_details":{"cached_tokens":1}}}';
    expect(extractUsageObject(text)).toEqual({
      prompt_tokens: 3,
      completion_tokens: 4,
      prompt_tokens_details: { cached_tokens: 1 },
    });
    expect(extractUsageObject('{"usage":null}')).toBeNull();
  });
});
