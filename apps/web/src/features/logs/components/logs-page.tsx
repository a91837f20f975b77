import { CLIENT_TOOLS } from '@switchyard/core';
import { useQueryClient } from '@tanstack/react-query';
import { Radio } from 'lucide-react';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { FilterActions, filtersClass, FiltersToggle } from '../../../components/ui/filters-toggle';
import { SelectField, TextField } from '../../../components/ui/field';
import { LoadMore } from '../../../components/ui/load-more';
import { PageHeader } from '../../../components/ui/page';
import { ErrorState } from '../../../components/ui/states';
import { useQueryState } from '../../../lib/search-params';
import { useCan } from '../../auth/use-can';
import { useProviderChoices } from '../../models/api/get-provider-choices';
import { useUsers } from '../../users/api/get-users';
import { UserFilterSelect } from '../../users/components/user-filter-select';
import { throttle, useLiveEvents } from '../../live/use-live-events';
import { prependNewestLogs, useLogs } from '../api/get-logs';
import {
  activeFilters,
  LOG_PARAMS,
  LOG_STATUSES,
  logFiltersFromParams,
  logParamsFromForm,
} from '../log-filters';
import { LogDrawer } from './log-drawer';
import { LogsTable } from './logs-table';

/** Operators: every request through /v1, filtered in the query string, with infinite scroll and a drawer per request. */
export function LogsPage() {
  const can = useCan();
  const qs = useQueryState();
  const [showFilters, setShowFilters] = useState(false);
  const filters = logFiltersFromParams((k) => qs.get(k));
  const logs = useLogs(filters);
  const users = useUsers({}, { enabled: can('users:read') });
  const providers = useProviderChoices(can('providers:read'));
  const rows = logs.data?.pages.flatMap((p) => p.data) ?? [];
  const count = activeFilters((k) => qs.get(k));
  const userId = qs.get('user');
  const providerSlug = qs.get('provider');
  const tool = qs.get('tool').trim().toLowerCase();
  const qc = useQueryClient();
  const [tail, setTail] = useState(false);
  // Live tail: each finished call (at most once a second) puts the newest matching rows on top; while the event
  // stream is down, the same pull runs every 5 s instead.
  const filtersKey = JSON.stringify(filters);
  const pullNewest = useMemo(
    () =>
      throttle(
        () => void prependNewestLogs(qc, JSON.parse(filtersKey) as typeof filters).catch(() => undefined),
        1000,
      ),
    [qc, filtersKey],
  );
  const stream = useLiveEvents({ call: pullNewest }, tail);
  useEffect(() => {
    if (!tail || stream === 'open') return;
    const timer = setInterval(pullNewest, 5000);
    return () => clearInterval(timer);
  }, [tail, stream, pullNewest]);

  // The form re-mounts when the user and provider lists arrive, so a filter from the URL selects its option, and
  // when the filters in the URL change — not when a log drawer opens or closes (`log`), which would throw away
  // choices made but not applied yet.
  const formKey = LOG_PARAMS.map((k) => qs.get(k)).join('\u0000');
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    qs.set(
      logParamsFromForm((k) => String(fd.get(k) ?? '')),
      { push: true },
    );
  };

  return (
    <div>
      <PageHeader
        title="Gateway logs"
        description="Every request through the OpenAI- and Anthropic-format endpoints: who sent it and with which tool, what was asked, what served it, and what it cost. Open one for its resolver trace."
        actions={
          <Button
            type="button"
            variant={tail ? 'primary' : 'subtle'}
            aria-pressed={tail}
            onClick={() => setTail((t) => !t)}
          >
            <Radio aria-hidden className="h-4 w-4" /> Live tail
            {tail ? (
              <span className="text-xs opacity-80" data-testid="live-tail-status">
                {stream === 'open' ? '· live' : '· every 5 s'}
              </span>
            ) : null}
          </Button>
        }
      />
      <FiltersToggle
        open={showFilters}
        onToggle={() => setShowFilters((o) => !o)}
        active={count}
        controls="log-filters"
      />
      <form
        key={`${formKey}|${users.isSuccess}|${providers.isSuccess}`}
        onSubmit={onSubmit}
        role="search"
        aria-label="Log filters"
        id="log-filters"
        className={`mb-4 ${filtersClass(showFilters)} grid-cols-1 items-end gap-3 sm:grid-cols-2 lg:grid-cols-4`}
      >
        <SelectField label="Status" name="status" defaultValue={qs.get('status')}>
          <option value="">Any</option>
          {LOG_STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Model"
          name="model"
          defaultValue={qs.get('model')}
          placeholder="Requested or served, e.g. chat.default"
        />
        <SelectField label="Provider" name="provider" defaultValue={providerSlug}>
          <option value="">Any</option>
          {providerSlug && !providers.data?.some((p) => p.slug === providerSlug || p.id === providerSlug) ? (
            <option value={providerSlug}>{providerSlug}</option>
          ) : null}
          {(providers.data ?? []).map((p) => (
            <option key={p.id} value={p.slug}>
              {p.name}
            </option>
          ))}
        </SelectField>
        <UserFilterSelect userId={userId} users={users.data} />
        <SelectField label="Key source" name="byok" defaultValue={qs.get('byok')}>
          <option value="">Any</option>
          <option value="true">BYOK (user's own key)</option>
          <option value="false">Gateway or organization key</option>
        </SelectField>
        <SelectField label="Cache" name="cache" defaultValue={qs.get('cache')}>
          <option value="">Any</option>
          <option value="hit">Cache hits</option>
          <option value="miss">Not from the cache</option>
        </SelectField>
        <SelectField label="Tool" name="tool" defaultValue={tool}>
          <option value="">Any</option>
          {tool && !CLIENT_TOOLS.some((t) => t.id === tool) ? <option value={tool}>{tool}</option> : null}
          {CLIENT_TOOLS.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Session"
          name="session"
          defaultValue={qs.get('session')}
          placeholder="A coding agent's session id"
        />
        <TextField label="From" name="from" type="date" defaultValue={qs.get('from')} />
        <TextField label="To" name="to" type="date" defaultValue={qs.get('to')} />
        <input type="hidden" name="key" value={qs.get('key')} />
        <FilterActions
          active={count > 0}
          onClear={() => qs.set(Object.fromEntries(LOG_PARAMS.map((k) => [k, null])), { push: true })}
        />
      </form>
      <LogsTable
        rows={rows}
        onOpen={(id) => qs.set({ log: id }, { push: true })}
        onTool={(t) => qs.set({ tool: t }, { push: true })}
        loading={logs.isPending}
        error={!logs.data ? logs.error : null}
        onRetry={() => void logs.refetch()}
        skeletonRows={8}
        empty={{
          title: count ? 'No requests match these filters.' : 'No requests yet.',
          hint: count
            ? 'Widen the date range or clear the filters.'
            : 'Requests to /v1 with a gateway key show up here.',
        }}
        footer={
          <>
            <LoadMore
              auto
              shown={rows.length}
              noun={['request', 'requests']}
              hasMore={!!logs.hasNextPage}
              loading={logs.isFetchingNextPage}
              onMore={() => void logs.fetchNextPage()}
            />
            {logs.isFetchNextPageError ? (
              <ErrorState error={logs.error} onRetry={() => void logs.fetchNextPage()} />
            ) : null}
          </>
        }
      />
      <LogDrawer id={qs.get('log') || null} scope="any" onClose={() => qs.set({ log: null })} />
    </div>
  );
}
