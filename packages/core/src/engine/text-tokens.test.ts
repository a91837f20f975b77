import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textTokenBound, utf8TokenBound } from './text-tokens.js';

// The platform's own UTF-8 encoder (core's types leave out the DOM and Node).
const { TextEncoder: Encoder } = globalThis as unknown as {
  TextEncoder: new () => { encode(s: string): Uint8Array };
};
const utf8 = (s: string) => new Encoder().encode(s);

describe('a prompt’s size as tokens, in any script', () => {
  // Measured (cl100k / o200k tokens): the bound holds above both for each.
  it.each([
    ['empty', '', 0],
    ['ASCII: 4 bytes a token, as before', 'Summarize this article in three bullet points.', 12],
    ['ASCII code', 'function add(a, b) {\n  return a + b;\n}\n', 10],
    // 58 characters: cl100k 72, o200k 39 (bytes ÷ 4 said 44)
    [
      'Chinese',
      '我们今天去公园散步，天气非常好。人工智能正在改变世界的许多行业，包括医疗、教育和金融。请帮我总结这篇文章的主要观点。',
      116,
    ],
    // 49: cl100k 51, o200k 37
    [
      'Japanese',
      '今日はとても良い天気ですね。日本語の文章を要約してください。東京の桜は三月の終わりに咲き始めます。',
      98,
    ],
    // 54 (13 spaces and 2 stops): cl100k 52, o200k 28
    [
      'Korean',
      '오늘 날씨가 정말 좋네요. 이 문서를 요약해 주세요. 인공지능은 많은 산업을 변화시키고 있습니다.',
      82,
    ],
    // 74: cl100k 33, o200k 18
    ['Russian', 'Пожалуйста, кратко изложите основные идеи этой статьи о машинном обучении.', 66],
    // 20 emoji: cl100k 45, o200k 31
    ['emoji', '😀😃😄😁😆😅😂🤣😊😇🙂🙃😉😌😍🥰😘😗😙😚', 60],
    ['mixed', 'Translate 你好 into English.', 6 + 2 * 2],
  ])('%s', (_, text, tokens) => {
    expect(textTokenBound(text)).toBe(tokens);
    expect(utf8TokenBound(utf8(text))).toBe(tokens);
  });

  it('a lone surrogate counts as the replacement character it is sent as', () => {
    expect(textTokenBound('\ud800')).toBe(2);
    expect(utf8TokenBound(utf8('\ud800'))).toBe(2);
  });

  it('the string and its UTF-8 bytes count alike; never below 4 bytes a token, never above 1 a byte', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 100 }), (cps) => {
        const s = String.fromCodePoint(...cps);
        const b = utf8(s);
        const n = utf8TokenBound(b);
        return textTokenBound(s) === n && n >= Math.ceil(b.length / 4) && n <= b.length;
      }),
      { numRuns: 1000 },
    );
  });
});
