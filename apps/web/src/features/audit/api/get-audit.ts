import type { auditEntrySchema, auditPageSchema } from '@switchyard/core';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';

/** An audit entry and a page of them, as the API answers (the contract's response schemas). */
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type AuditPage = z.infer<typeof auditPageSchema>;

/** What the API filters on; `from` is inclusive, `to` exclusive (ISO instants). */
export interface AuditFilters {
  action?: string;
  entityType?: string;
  entityId?: string;
  actor?: string;
  from?: string;
  to?: string;
}

export const AUDIT_PAGE_SIZE = 50;

/** GET /audit: newest first, keyset pagination through `nextCursor`. */
export const getAudit = (f: AuditFilters, cursor: string | null, signal?: AbortSignal) =>
  api<AuditPage>(withQuery('/audit', { ...f, cursor, limit: AUDIT_PAGE_SIZE }), { signal });

export const auditQueryOptions = (f: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: ['audit', f],
    queryFn: ({ pageParam, signal }) => getAudit(f, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const useAudit = (f: AuditFilters) => useInfiniteQuery(auditQueryOptions(f));
