import { env } from '../../../config/env';
import { parseError } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { CsvProgress, filenameFromDisposition } from '../csv-progress';

export interface ExportParams {
  /** A user id (operators); ignored for `/me/export`. */
  user?: string;
  /** ISO instants; `from` inclusive, `to` inclusive. */
  from?: string;
  to?: string;
}

export interface ExportResult {
  blob: Blob;
  filename: string;
  rows: number;
  bytes: number;
}

/**
 * GET /llm/export (operators, any user) or /me/export (own usage): reads the streamed CSV chunk by chunk, reporting
 * bytes and rows as they arrive, and returns it as a Blob to save. Not a query: a download is an action.
 */
export async function exportUsageCsv(
  scope: 'any' | 'self',
  params: ExportParams,
  onProgress: (p: { bytes: number; rows: number }) => void,
  signal?: AbortSignal,
): Promise<ExportResult> {
  const path = scope === 'self' ? '/me/export' : '/llm/export';
  const res = await fetch(
    `${env.VITE_API_BASE}/api/v1${withQuery(path, { user: scope === 'self' ? undefined : params.user, from: params.from, to: params.to })}`,
    {
      headers: { accept: 'text/csv' },
      credentials: 'same-origin',
      signal,
    },
  );
  if (!res.ok) throw await parseError(res);
  const filename = filenameFromDisposition(res.headers.get('content-disposition'), 'switchyard-usage.csv');
  const progress = new CsvProgress();
  const parts: BlobPart[] = [];
  const decoder = new TextDecoder();
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      progress.push(decoder.decode(value, { stream: true }), value.byteLength);
      onProgress({ bytes: progress.bytes, rows: progress.rows() });
    }
    progress.push(decoder.decode());
  } else {
    const text = await res.text();
    parts.push(text);
    progress.push(text, new TextEncoder().encode(text).byteLength);
  }
  const rows = progress.rows(true);
  onProgress({ bytes: progress.bytes, rows });
  return { blob: new Blob(parts, { type: 'text/csv;charset=utf-8' }), filename, rows, bytes: progress.bytes };
}

/** Saves a Blob through a temporary object URL and an `<a download>`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
