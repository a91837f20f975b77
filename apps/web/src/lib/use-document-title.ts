import { useEffect } from 'react';

export const APP_NAME = 'Switchyard';

/** "<page> · Switchyard" (or "Switchyard" alone): the tab, the history list and screen readers name the page. */
export function documentTitle(page?: string | null): string {
  return page ? `${page} · ${APP_NAME}` : APP_NAME;
}

export function useDocumentTitle(page?: string | null) {
  useEffect(() => {
    document.title = documentTitle(page);
  }, [page]);
}
