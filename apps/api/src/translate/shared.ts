/** Small pieces every request translator needs. */

/** Tool-call arguments (a JSON string) as an object; invalid JSON is kept, not dropped, as `{_raw}`. */
export function parseToolArguments(s: string | undefined): unknown {
  if (!s) return {};
  try {
    return JSON.parse(s);
  } catch {
    return { _raw: s };
  }
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** `data:<mime>;base64,<data>` → its parts, or null for any other URL. */
export function parseDataUrl(url: string): { mime: string; data: string } | null {
  const m = DATA_URL.exec(url);
  return m ? { mime: m[1]!, data: m[2]! } : null;
}

type Part = { type: string; [k: string]: unknown };

/**
 * Walks an OpenAI message's content (a string or text / image_url parts) and maps each part with the target
 * format's constructors; used by every request translator that is not OpenAI-shaped.
 */
export function mapContentParts<T>(
  content: string | readonly Part[] | null | undefined,
  to: { text: (text: string) => T; image: (url: string, inline: { mime: string; data: string } | null) => T },
): T[] {
  if (content == null) return [];
  if (typeof content === 'string') return content ? [to.text(content)] : [];
  const out: T[] = [];
  for (const p of content) {
    if (p.type === 'text') out.push(to.text(String(p.text ?? '')));
    else if (p.type === 'image_url') {
      const iu = p.image_url as { url: string } | string;
      const url = typeof iu === 'string' ? iu : iu.url;
      out.push(to.image(url, parseDataUrl(url)));
    }
  }
  return out;
}
