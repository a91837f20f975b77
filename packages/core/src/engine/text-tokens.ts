/**
 * A prompt's size as tokens, counted so that it holds for text in any script: ASCII at 4 bytes a token (English and
 * code run 4 or more characters a token), and each other character at one token for each UTF-8 byte after its first
 * (a Cyrillic, Greek, Arabic or Hebrew letter 1, a CJK, Hindi or Thai character 2, an emoji 3). Tokenizers count
 * such scripts at up to about one and a quarter tokens a character (Chinese in cl100k; o200k fewer), and emoji at two
 * or more, so the 4-bytes-a-token estimate alone (0.75 a CJK character) fell short. Rare characters a tokenizer
 * splits into single bytes can still count more.
 */

/** The tokens of UTF-8 bytes (a request body): `ceil(ascii / 4)` plus each non-ASCII byte after a character's first. */
export function utf8TokenBound(b: Uint8Array): number {
  let ascii = 0;
  let more = 0;
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    if (x < 0x80) ascii++;
    else if (x < 0xc0) more++;
  }
  return Math.ceil(ascii / 4) + more;
}

/** The same count for a string (as its UTF-8 bytes; a lone surrogate as the 3 bytes of U+FFFD). */
export function textTokenBound(s: string): number {
  let ascii = 0;
  let more = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) ascii++;
    else if (c < 0x800) more += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        more += 3;
        i++;
      } else more += 2;
    } else more += 2;
  }
  return Math.ceil(ascii / 4) + more;
}
