import type { DlpActivityQuery } from '@switchyard/core';

export type {
  DlpActivityPage,
  DlpEventDto,
  DlpFindingDto,
  DlpPolicy,
  DlpPolicyResponse,
  DlpStatus,
  DlpStatusRow,
  DlpTesterResponse,
} from '@switchyard/core';

/** Activity filters as the page keeps them in its URL (the API's query without paging). */
export type DlpActivityFilters = Partial<Pick<DlpActivityQuery, 'scope' | 'org' | 'app' | 'action' | 'kind'>>;

export const dlpKeys = {
  all: ['data-protection'] as const,
  status: ['data-protection', 'status'] as const,
  policy: (key: string) => ['data-protection', 'policy', key] as const,
  activity: (f: DlpActivityFilters) => ['data-protection', 'activity', f] as const,
};

/** `/llm/data-protection/...` with a scope key (`global`, `org:<id>`, `app:<id>`) kept readable in the path. */
export const dlpPath = (rest: string, key?: string) =>
  `/llm/data-protection/${rest}${key === undefined ? '' : `/${encodeURIComponent(key).replace(/%3A/g, ':')}`}`;
