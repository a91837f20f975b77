/**
 * Counts a streamed CSV's records as chunks arrive: a record ends at a line break outside double quotes (a quoted
 * field may hold line breaks and doubled quotes), CRLF counts once, and the first record is the header. Bytes are
 * what came over the wire. Pure, so it can be fed in pieces split anywhere, even inside a quote or a CRLF.
 */
export class CsvProgress {
  bytes = 0;
  /** Records completed so far, the header included. */
  #records = 0;
  #inQuotes = false;
  /** The current record has at least one character (so a trailing record without a line break still counts). */
  #open = false;
  #lastWasCr = false;

  /** Feeds decoded text; `byteLength` is the size of the raw chunk it came from. */
  push(text: string, byteLength = 0): void {
    this.bytes += byteLength;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 34 /* " */) {
        // A doubled quote inside a quoted field toggles twice, which leaves it quoted: no lookahead needed.
        this.#inQuotes = !this.#inQuotes;
        this.#open = true;
        this.#lastWasCr = false;
      } else if (!this.#inQuotes && (c === 10 /* \n */ || c === 13) /* \r */) {
        if (c === 10 && this.#lastWasCr) {
          this.#lastWasCr = false;
          continue;
        }
        this.#lastWasCr = c === 13;
        this.#records++;
        this.#open = false;
      } else {
        this.#open = true;
        this.#lastWasCr = false;
      }
    }
  }

  /** Data rows seen so far (records minus the header), counting an unterminated last record when `final`. */
  rows(final = false): number {
    const n = this.#records + (final && this.#open ? 1 : 0);
    return Math.max(0, n - 1);
  }
}

/** `attachment; filename="x.csv"` → 'x.csv' (or the fallback). */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain?.[1]?.trim() || fallback;
}

/** 1536 → '1.5 KB'. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
