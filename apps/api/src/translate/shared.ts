/** Small pieces every request translator needs. */
import { AdapterError } from './errors.js';
import type { OaContentPart, OaMessage } from './wire-types.js';

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

/** An inline document: what a chat `file` part carries (`file_data`, a base64 data URL) and its file name. */
export interface InlineFile {
  mime: string;
  data: string;
  filename?: string;
}

/**
 * A chat `file` part (`{type:"file", file:{file_data:"data:<mime>;base64,…", filename}}`, how OpenAI's chat API takes a
 * PDF) as its inline data; null for a part that holds none (a `file_id` names a file stored at OpenAI only).
 */
export function inlineFileOf(p: { type: string; [k: string]: unknown }): InlineFile | null {
  if (p.type !== 'file' || !p.file || typeof p.file !== 'object') return null;
  const f = p.file as { file_data?: unknown; filename?: unknown };
  const inline = typeof f.file_data === 'string' ? parseDataUrl(f.file_data) : null;
  if (!inline) return null;
  return typeof f.filename === 'string' && f.filename ? { ...inline, filename: f.filename } : inline;
}

/**
 * The id a chat `file` part names its file by (`{type:"file", file:{file_id}}`, a file uploaded to OpenAI's Files
 * API) when it carries no inline data; null otherwise.
 */
export function fileIdOf(p: { type: string; [k: string]: unknown }): string | null {
  if (p.type !== 'file' || !p.file || typeof p.file !== 'object') return null;
  const f = p.file as { file_data?: unknown; file_id?: unknown };
  return typeof f.file_id === 'string' && typeof f.file_data !== 'string' ? f.file_id : null;
}

/**
 * The refusal of a file named by its id for a provider of another vendor: a file uploaded to a vendor's Files API
 * (Anthropic's, OpenAI's) is stored there, and only that vendor's API reads it by id. Dropping the part would have the
 * model answer as if no file had been sent; the caller can send it inline or route to the vendor that holds it.
 */
export function fileByIdRefusal(vendor: 'Anthropic' | 'OpenAI'): AdapterError {
  return new AdapterError(
    400,
    'unsupported_content',
    `A file named by its file_id is stored with ${vendor} and only ${vendor}'s API can read it; this request was routed to a provider of another kind. Send the file inline (base64), or name a model ${vendor} serves.`,
  );
}

/** A document as a chat `file` part (the pivot's document). */
export function chatFilePart(mime: string, data: string, filename?: string): OaContentPart {
  return {
    type: 'file',
    file: { file_data: `data:${mime};base64,${data}`, ...(filename ? { filename } : {}) },
  };
}

/**
 * Walks an OpenAI message's content (a string or text / image_url / file parts) and maps each part with the target
 * format's constructors; used by every request translator that is not OpenAI-shaped. A document (`file` part with
 * inline data) goes through `file` when the target takes documents.
 */
export function mapContentParts<T>(
  content: string | readonly Part[] | null | undefined,
  to: {
    text: (text: string) => T;
    image: (url: string, inline: { mime: string; data: string } | null) => T;
    file?: (inline: InlineFile) => T;
  },
): T[] {
  if (content == null) return [];
  if (typeof content === 'string') return content ? [to.text(content)] : [];
  const out: T[] = [];
  for (const p of content) {
    // An empty text part carries nothing, and Converse refuses a blank text block.
    if (p.type === 'text') {
      const text = String(p.text ?? '');
      if (text) out.push(to.text(text));
    } else if (p.type === 'image_url') {
      const iu = p.image_url as { url: string } | string;
      const url = typeof iu === 'string' ? iu : iu.url;
      out.push(to.image(url, parseDataUrl(url)));
    } else if (p.type === 'file') {
      const f = inlineFileOf(p);
      if (f && to.file) out.push(to.file(f));
      else if (fileIdOf(p) !== null) throw fileByIdRefusal('OpenAI');
    }
  }
  return out;
}

/**
 * A chat request as OpenAI's chat API takes it: a `role:"tool"` message's content is text only there (images and
 * documents are user content), while the pivot lets a tool result hold images and documents (from an Anthropic
 * tool_result or a Responses function_call_output; Anthropic targets keep them in the tool_result). Such a tool
 * message keeps its text and a note, and its images and documents follow in a user message after the run of tool
 * messages (those must come right after the assistant's tool calls), so the model still sees them. The same array
 * when there is nothing to move.
 */
export function toolImagesAsUserMessages(messages: OaMessage[]): OaMessage[] {
  const moves = (m: OaMessage) =>
    m.role === 'tool' && Array.isArray(m.content) && m.content.some((p) => p.type !== 'text');
  if (!messages.some(moves)) return messages;
  const out: OaMessage[] = [];
  let pending: OaContentPart[] = [];
  const flush = () => {
    if (pending.length) out.push({ role: 'user', content: pending });
    pending = [];
  };
  for (const m of messages) {
    if (m.role !== 'tool') flush();
    if (!moves(m) || !Array.isArray(m.content)) {
      out.push(m);
      continue;
    }
    const texts: string[] = [];
    const images: OaContentPart[] = [];
    let files = 0;
    for (const p of m.content) {
      if (p.type === 'text') texts.push(String(p.text ?? ''));
      else if (p.type === 'image_url') images.push(p);
      else if (p.type === 'file') {
        // A document (from an Anthropic tool_result) moves with the images.
        images.push(p);
        files++;
      }
    }
    const n = images.length;
    const s = n === 1 ? '' : 's';
    const what = files ? 'attachment' : 'image';
    const note = `[${n} ${what}${s}: in the next user message]`;
    const text = texts.join('');
    out.push({ ...m, content: n ? (text ? `${text}\n${note}` : note) : text });
    if (n)
      pending.push(
        {
          type: 'text',
          text: `${files ? 'Attachment' : 'Image'}${s} from tool result ${m.tool_call_id ?? ''}:`,
        },
        ...images,
      );
  }
  flush();
  return out;
}
