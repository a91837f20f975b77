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
