/**
 * `Content-Disposition: attachment` for any file name: an ASCII fallback (`filename=`, anything outside letters,
 * digits, '.', '_' and '-' becomes '_') and the exact name as RFC 5987 `filename*=UTF-8''…`. Header-safe whatever the
 * name holds (CR/LF, quotes, non-Latin-1 characters).
 */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  let exact: string;
  try {
    exact = encodeURIComponent(filename).replace(
      /['()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  } catch {
    exact = ascii; // unpaired surrogates: the schemas refuse them, but never let a header throw
  }
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}
