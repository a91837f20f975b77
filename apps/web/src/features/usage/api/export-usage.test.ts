import { afterEach, describe, expect, it, vi } from 'vitest';
import { exportUsageCsv } from './export-usage';

afterEach(() => vi.unstubAllGlobals());

/** A streamed CSV response, delivered in the given pieces. */
function streamed(pieces: string[], headers: Record<string, string> = {}) {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of pieces) c.enqueue(enc.encode(p));
      c.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/csv', ...headers } });
}

describe('exportUsageCsv', () => {
  it('reads the stream chunk by chunk, reporting bytes and rows, and names the file from the response', async () => {
    const pieces = [
      'time,request_id,error\r\n2030-01-01,r1,\r\n2030-',
      '01-01,r2,"a\r\nb"\r\n',
      '2030-01-01,r3,x\r\n',
    ];
    const fetchMock = vi.fn(async () =>
      streamed(pieces, {
        'content-disposition': 'attachment; filename="switchyard-usage-u1-2030-01-01-all.csv"',
      }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const progress: { bytes: number; rows: number }[] = [];
    const r = await exportUsageCsv('any', { user: 'u1', from: '2030-01-01T00:00:00.000Z' }, (p) =>
      progress.push(p),
    );
    expect(String((fetchMock.mock.calls[0] as unknown[])[0])).toBe(
      '/api/v1/llm/export?user=u1&from=2030-01-01T00%3A00%3A00.000Z',
    );
    expect(progress.map((p) => p.rows)).toEqual([1, 2, 3, 3]);
    expect(progress.at(-1)!.bytes).toBe(pieces.join('').length);
    expect(r).toMatchObject({
      filename: 'switchyard-usage-u1-2030-01-01-all.csv',
      rows: 3,
      bytes: pieces.join('').length,
    });
    expect(r.blob.size).toBe(pieces.join('').length);
    expect(r.blob.type).toBe('text/csv;charset=utf-8');
  });

  it('the self export never sends a user, and an API error is thrown as ApiError', async () => {
    const fetchMock = vi.fn(
      async () =>
        new Response(
          JSON.stringify({ error: { code: 'forbidden', message: 'You may export only your own usage.' } }),
          { status: 403 },
        ),
    );
    vi.stubGlobal('fetch', fetchMock);
    await expect(exportUsageCsv('self', { user: 'someone-else' }, () => {})).rejects.toMatchObject({
      status: 403,
      message: 'You may export only your own usage.',
    });
    expect(String((fetchMock.mock.calls[0] as unknown[])[0])).toBe('/api/v1/me/export');
  });
});
