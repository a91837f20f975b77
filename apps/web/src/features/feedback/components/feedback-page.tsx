import { useState, type FormEvent } from 'react';
import { SelectField, TextField } from '../../../components/ui/field';
import { FilterActions, filtersClass, FiltersToggle } from '../../../components/ui/filters-toggle';
import { PageHeader } from '../../../components/ui/page';
import { useQueryState } from '../../../lib/search-params';
import { useCan } from '../../auth/use-can';
import { LogDrawer } from '../../logs/components/log-drawer';
import { useUsers } from '../../users/api/get-users';
import { UserFilterSelect } from '../../users/components/user-filter-select';
import { useFeedback } from '../api/get-feedback';
import { FEEDBACK_PARAMS, feedbackFiltersFromParams } from '../feedback-filters';
import { FeedbackTable } from './feedback-table';
import { RatingOptions } from './rating-options';

/**
 * The scores apps gave to requests (`POST /v1/feedback`), newest first, with their comments: operators read every
 * one, a user their own. A score opens the rated request's log (its trace, attempts and every score it has).
 */
export function FeedbackPage() {
  const can = useCan();
  const operator = can('logs:read');
  const scope = operator ? 'any' : 'self';
  const qs = useQueryState();
  const [showFilters, setShowFilters] = useState(false);
  const filters = feedbackFiltersFromParams((k) => qs.get(k), { operator });
  const feedback = useFeedback(scope, filters);
  const users = useUsers({}, { enabled: operator && can('users:read') });
  const params = operator ? FEEDBACK_PARAMS : FEEDBACK_PARAMS.filter((k) => k !== 'user');
  const active = params.filter((k) => qs.get(k)).length;
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    qs.set(Object.fromEntries(params.map((k) => [k, String(fd.get(k) ?? '').trim()])), { push: true });
  };

  return (
    <div>
      <PageHeader
        title="Feedback"
        description={
          operator
            ? 'Scores apps gave to requests through POST /v1/feedback, newest first: 0 is bad, 1 good. Open one for the request it rates.'
            : 'Scores your keys gave to your requests through POST /v1/feedback, newest first: 0 is bad, 1 good. Open one for the request it rates.'
        }
      />
      <FiltersToggle
        open={showFilters}
        onToggle={() => setShowFilters((o) => !o)}
        active={active}
        controls="feedback-filters"
      />
      <form
        key={`${params.map((k) => qs.get(k)).join('\u0000')}|${users.isSuccess}`}
        onSubmit={onSubmit}
        role="search"
        aria-label="Feedback filters"
        id="feedback-filters"
        className={`mb-4 ${filtersClass(showFilters)} grid-cols-1 items-end gap-3 sm:grid-cols-2 lg:grid-cols-4`}
      >
        <SelectField label="Rating" name="rating" defaultValue={qs.get('rating')}>
          <RatingOptions />
        </SelectField>
        <SelectField label="Comment" name="commented" defaultValue={qs.get('commented')}>
          <option value="">Any</option>
          <option value="true">With a comment</option>
          <option value="false">Without</option>
        </SelectField>
        <TextField label="Model" name="model" defaultValue={qs.get('model')} placeholder="e.g. gpt-4o" />
        {operator ? <UserFilterSelect userId={qs.get('user')} users={users.data} /> : null}
        <TextField label="From" name="from" type="date" defaultValue={qs.get('from')} />
        <TextField label="To" name="to" type="date" defaultValue={qs.get('to')} />
        <FilterActions
          active={active > 0}
          onClear={() => qs.set(Object.fromEntries(params.map((k) => [k, null])), { push: true })}
        />
      </form>
      <FeedbackTable
        query={feedback}
        showUser={operator}
        onOpen={(logId) => qs.set({ log: logId }, { push: true })}
        empty={{
          title: active > 0 ? 'No scores match these filters.' : 'No scores given yet.',
          hint:
            active > 0
              ? 'Widen the date range or clear the filters.'
              : 'An app scores a request with POST /v1/feedback and the x-request-id of its answer.',
        }}
      />
      <LogDrawer id={qs.get('log') || null} scope={scope} onClose={() => qs.set({ log: null })} />
    </div>
  );
}
