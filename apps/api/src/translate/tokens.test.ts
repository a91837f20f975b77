import { createRequire } from 'node:module';
import type * as GptTokenizer from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { countText } from './tokens.js';

const { countTokens } = createRequire(import.meta.url)('gpt-tokenizer') as typeof GptTokenizer;

describe('countText', () => {
  it('counts ASCII text exactly as the tokenizer does', () => {
    for (const t of ['hello', 'The quick brown fox jumps over the lazy dog. '.repeat(50), 'a'.repeat(64)]) {
      expect(countText(t)).toBe(countTokens(t));
    }
  });

  it('counts text in other scripts at least as the o200k and cl100k tokenizers do', () => {
    const cl100k = (
      createRequire(import.meta.url)('gpt-tokenizer/cjs/encoding/cl100k_base') as typeof GptTokenizer
    ).countTokens;
    for (const t of [
      'naïve café — 東京 🚀 '.repeat(20),
      '我们今天去公园散步，天气非常好。人工智能正在改变世界的许多行业，包括医疗、教育和金融。'.repeat(10),
      '今日はとても良い天気ですね。日本語の文章を要約してください。'.repeat(10),
      '오늘 날씨가 정말 좋네요. 이 문서를 요약해 주세요.'.repeat(10),
      'कृपया इस लेख का सारांश दें। कृत्रिम बुद्धिमत्ता कई उद्योगों को बदल रही है।'.repeat(10),
      'สวัสดีครับ วันนี้อากาศดีมาก กรุณาสรุปบทความนี้ให้หน่อย'.repeat(10),
      'مرحبا بكم في عالم الذكاء الاصطناعي. يرجى تلخيص هذه المقالة.'.repeat(10),
      'Пожалуйста, кратко изложите основные идеи этой статьи.'.repeat(10),
      '😀😃😄😁😆😅😂🤣😊😇🙂🙃😉😌😍🥰😘'.repeat(10),
    ]) {
      expect(countText(t)).toBeGreaterThanOrEqual(countTokens(t));
      expect(countText(t)).toBeGreaterThanOrEqual(cl100k(t));
    }
  });

  it('a 100,000-character run without whitespace is counted in linear time, close to the tokenizer', () => {
    const run = 'y'.repeat(100_000);
    const t0 = performance.now();
    const n = countText(run);
    // Whole, the tokenizer takes tens of seconds on this (its time grows with the square of a word's length).
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(n).toBeGreaterThan(100_000 / 16);
    expect(n).toBeLessThan(100_000);
    const mixed = `intro text ${'Zm9vYmFy'.repeat(5_000)} outro`;
    expect(countText(mixed)).toBeGreaterThan(0);
  });
});
