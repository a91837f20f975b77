import { describe, expect, it } from 'vitest';
import { CsvProgress, filenameFromDisposition, formatBytes } from './csv-progress';

const CSV =
  'time,request_id,error\r\n2030-01-01T00:00:00Z,r1,\r\n2030-01-01T00:01:00Z,r2,"multi\r\nline, with ""quotes"""\r\n2030-01-01T00:02:00Z,r3,x\r\n';

describe('CSV progress', () => {
  it('counts data rows, not the header, and not line breaks inside quotes', () => {
    const p = new CsvProgress();
    p.push(CSV, CSV.length);
    expect(p.rows()).toBe(3);
    expect(p.rows(true)).toBe(3);
    expect(p.bytes).toBe(CSV.length);
  });
  it('gives the same count however the stream is split (inside quotes, between CR and LF)', () => {
    for (let size = 1; size <= 7; size++) {
      const p = new CsvProgress();
      for (let i = 0; i < CSV.length; i += size)
        p.push(CSV.slice(i, i + size), Math.min(size, CSV.length - i));
      expect(p.rows(true)).toBe(3);
      expect(p.bytes).toBe(CSV.length);
    }
  });
  it('counts a last row without a line break only when the stream is done', () => {
    const p = new CsvProgress();
    p.push('a,b\nc,d\ne,f');
    expect(p.rows()).toBe(1);
    expect(p.rows(true)).toBe(2);
  });
  it('a header alone, or nothing, is zero rows', () => {
    const p = new CsvProgress();
    expect(p.rows(true)).toBe(0);
    p.push('time,request_id\r\n');
    expect(p.rows(true)).toBe(0);
  });
  it('reads the filename from content-disposition', () => {
    expect(filenameFromDisposition('attachment; filename="switchyard-usage-u1-all-all.csv"', 'x.csv')).toBe(
      'switchyard-usage-u1-all-all.csv',
    );
    expect(filenameFromDisposition("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.csv", 'x.csv')).toBe(
      'résumé.csv',
    );
    expect(filenameFromDisposition(null, 'x.csv')).toBe('x.csv');
  });
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });
});
