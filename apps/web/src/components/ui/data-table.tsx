import { tableFeatures, useTable, type ColumnDef, type RowData } from '@tanstack/react-table';
import { ArrowDown, ArrowUp, ChevronDown, ChevronRight } from 'lucide-react';
import { Fragment, useMemo, type ReactNode } from 'react';
import { EmptyState, ErrorState } from './states';
import { TableSkeleton } from './table';

/**
 * Below which width of the list a column is hidden (it still shows in the phone cards): `md` 48rem, `lg` 64rem,
 * `xl` 80rem. At 1440 px the content area is about 72rem wide: `md` and `lg` columns show, `xl` ones do not.
 */
export type ColumnPriority = 'always' | 'md' | 'lg' | 'xl';

/** One column of a `DataTable`: how its header and cells render, and how it gives way when space is short. */
export interface ListColumn<T> {
  id: string;
  /** The header; a string also labels the cell in the phone cards. */
  header: ReactNode;
  /** The label in the phone cards when `header` is not a string (or should read differently there). */
  cardLabel?: string;
  cell: (row: T) => ReactNode;
  /** Hidden below this width of the list (default: always shown). */
  priority?: ColumnPriority;
  align?: 'left' | 'right';
  /**
   * A one-line cell that gives way: the column takes its `width` share of the list and no more, the content is cut
   * with an ellipsis and the full text shows on hover (`title`).
   */
  truncate?: (row: T) => string;
  /** A truncated column's share of the list's width, a Tailwind width class (default `w-[15%]`). */
  width?: string;
  /** Extra classes for the cells (not the header). */
  className?: string;
  /** `aria-sort` of the header (a sortable column). */
  sort?: 'ascending' | 'descending' | 'none';
  /** Not shown in the phone cards (say, a checkbox the card has elsewhere). */
  hideInCard?: boolean;
  /**
   * The header stays in view above the phone cards, followed by this text (say, a "select all" checkbox); other
   * headers are hidden there, since each card labels its own cells.
   */
  headerInCard?: string;
}

export interface ListDetails<T> {
  isOpen: (row: T) => boolean;
  toggle: (row: T) => void;
  /** The expand button's accessible name. */
  label: (row: T) => string;
  render: (row: T) => ReactNode;
}

export interface DataTableProps<T extends RowData> {
  /** Names the table's region for screen readers. */
  label: string;
  columns: readonly ListColumn<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  rowTestId?: string;
  rowClassName?: (row: T) => string;
  /** The actions at the row's end: a column that stays in view at the right edge. */
  actions?: (row: T) => ReactNode;
  /** A chevron in the first column shows the row's details under it. */
  details?: ListDetails<T>;
  loading?: boolean;
  /** While set (and not loading), the error state with Retry replaces the table. */
  error?: unknown;
  onRetry?: () => void;
  empty: { title: string; hint?: string };
  skeletonRows?: number;
  /** Under the table while it has rows (Load more, totals). */
  footer?: ReactNode;
}

/** Visibility by priority: hidden below the list's width (container queries), shown in phone cards. */
const PRIORITY_CLASS: Record<ColumnPriority, string> = {
  always: '',
  md: 'hidden max-sm:flex @min-[48rem]:table-cell',
  lg: 'hidden max-sm:flex @min-[64rem]:table-cell',
  xl: 'hidden max-sm:flex @min-[80rem]:table-cell',
};

/** The phone (< 640 px) layout: each row a card, each cell a line with its label. */
const CARD_CELL =
  'max-sm:flex max-sm:items-start max-sm:gap-3 max-sm:border-0 max-sm:px-0 max-sm:py-1 max-sm:text-left max-sm:before:w-28 max-sm:before:shrink-0 max-sm:before:text-xs max-sm:before:font-medium max-sm:before:uppercase max-sm:before:text-muted max-sm:before:content-[attr(data-label)]';

const TH =
  'border-b border-border bg-surface-2/60 px-3 py-2 text-xs font-medium uppercase tracking-wide text-muted';
const TD = 'border-b border-border px-3 py-2 align-top';

interface Meta<T> {
  col?: ListColumn<T>;
  kind: 'details' | 'data' | 'actions';
}

const features = tableFeatures({});

/**
 * Every list page's table: loading skeleton, error with Retry, empty state, then the rows, all from one column
 * config on TanStack Table (headless). Wide lists fit their box: lower-priority columns step aside as the list
 * narrows, long text is cut with its full value on hover, and on phones each row is a card.
 */
export function DataTable<T extends RowData>({
  label,
  columns,
  rows,
  rowKey,
  rowTestId,
  rowClassName,
  actions,
  details,
  loading = false,
  error,
  onRetry,
  empty,
  skeletonRows = 4,
  footer,
}: DataTableProps<T>) {
  const defs = useMemo<ColumnDef<typeof features, T>[]>(() => {
    const out: ColumnDef<typeof features, T>[] = [];
    if (details) out.push({ id: '__details', header: 'Details', meta: { kind: 'details' } as never });
    for (const col of columns)
      out.push({
        id: col.id,
        header: typeof col.header === 'string' ? col.header : col.id,
        meta: { kind: 'data', col } as never,
      });
    if (actions) out.push({ id: '__actions', header: 'Actions', meta: { kind: 'actions' } as never });
    return out;
  }, [columns, details, actions]);
  const data = useMemo(() => [...rows], [rows]);
  const table = useTable({ features, columns: defs, data, getRowId: (row) => rowKey(row) });

  if (loading) return <TableSkeleton rows={skeletonRows} />;
  if (error) return <ErrorState error={error} onRetry={onRetry} />;
  if (rows.length === 0) return <EmptyState title={empty.title} hint={empty.hint} />;

  const leafColumns = table.getAllLeafColumns();
  const hasCardHeader = columns.some((c) => c.headerInCard !== undefined);
  const metaOf = (c: (typeof leafColumns)[number]) => c.columnDef.meta as unknown as Meta<T>;

  return (
    <>
      <div
        className="@container relative max-w-full overflow-x-auto rounded-2xl border border-border bg-surface max-sm:overflow-visible max-sm:border-0 max-sm:bg-transparent"
        role="region"
        aria-label={label}
        tabIndex={0}
        data-testid="data-table"
      >
        <table className="w-full border-collapse text-left text-sm max-sm:block">
          <thead className={hasCardHeader ? 'max-sm:mb-2 max-sm:block' : 'max-sm:hidden'}>
            <tr className="max-sm:flex max-sm:items-center max-sm:gap-3">
              {leafColumns.map((c) => {
                const m = metaOf(c);
                if (m.kind === 'details')
                  return (
                    <th key={c.id} scope="col" className={`${TH} w-8 max-sm:hidden`}>
                      <span className="sr-only">Details</span>
                    </th>
                  );
                if (m.kind === 'actions')
                  return (
                    <th
                      key={c.id}
                      scope="col"
                      className="sticky right-0 border-b border-border bg-surface px-3 py-2 max-sm:hidden"
                    >
                      <span className="sr-only">Actions</span>
                    </th>
                  );
                const col = m.col!;
                return (
                  <th
                    key={c.id}
                    scope="col"
                    aria-sort={col.sort}
                    className={`${TH} whitespace-nowrap ${col.align === 'right' ? 'text-right' : ''} ${PRIORITY_CLASS[col.priority ?? 'always'].replace('max-sm:flex ', '')} ${col.headerInCard ? 'max-sm:flex max-sm:items-center max-sm:gap-2 max-sm:border-0 max-sm:px-3' : 'max-sm:hidden'}`}
                  >
                    {col.header}
                    {col.headerInCard ? (
                      <span aria-hidden className="text-xs font-normal normal-case sm:hidden">
                        {col.headerInCard}
                      </span>
                    ) : null}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="max-sm:flex max-sm:flex-col max-sm:gap-2">
            {table.getRowModel().rows.map((r) => {
              const row = r.original;
              const open = details?.isOpen(row) ?? false;
              return (
                <Fragment key={r.id}>
                  <tr
                    data-testid={rowTestId}
                    className={`max-sm:block max-sm:rounded-xl max-sm:border max-sm:border-border max-sm:bg-surface max-sm:px-3 max-sm:py-2 ${rowClassName?.(row) ?? ''}`}
                  >
                    {r.getAllCells().map((cell) => {
                      const m = metaOf(cell.column);
                      if (m.kind === 'details')
                        return (
                          <td
                            key={cell.id}
                            className={`${TD} w-8 px-2 max-sm:float-right max-sm:border-0 max-sm:p-0`}
                          >
                            <button
                              type="button"
                              aria-expanded={open}
                              aria-label={details!.label(row)}
                              onClick={() => details!.toggle(row)}
                              className="rounded p-1 text-muted hover:bg-surface-2 hover:text-fg"
                            >
                              {open ? (
                                <ChevronDown aria-hidden className="h-4 w-4" />
                              ) : (
                                <ChevronRight aria-hidden className="h-4 w-4" />
                              )}
                            </button>
                          </td>
                        );
                      if (m.kind === 'actions')
                        return (
                          <td
                            key={cell.id}
                            className="sticky right-0 border-b border-border bg-surface px-2 py-1.5 align-top shadow-[-8px_0_8px_-8px_rgba(0,0,0,0.25)] max-sm:static max-sm:block max-sm:border-0 max-sm:px-0 max-sm:pt-2 max-sm:shadow-none"
                          >
                            <div className="flex justify-end gap-0.5 max-sm:flex-wrap max-sm:justify-start">
                              {actions!(row)}
                            </div>
                          </td>
                        );
                      const col = m.col!;
                      const text = col.truncate?.(row);
                      const shown = col.hideInCard
                        ? `${PRIORITY_CLASS[col.priority ?? 'always'].replace('max-sm:flex ', '')} max-sm:hidden`
                        : `${PRIORITY_CLASS[col.priority ?? 'always']} ${CARD_CELL}`;
                      const content = col.cell(row);
                      return (
                        <td
                          key={cell.id}
                          data-label={col.cardLabel ?? (typeof col.header === 'string' ? col.header : '')}
                          className={`${TD} ${col.align === 'right' ? 'text-right tabular-nums' : ''} ${text !== undefined ? `max-w-0 max-sm:w-auto max-sm:max-w-none ${col.width ?? 'w-[15%]'}` : ''} ${shown} ${col.className ?? ''}`}
                        >
                          {text !== undefined ? (
                            <div
                              className="min-w-0 truncate max-sm:flex-1 max-sm:whitespace-normal max-sm:break-words"
                              title={text}
                            >
                              {content}
                            </div>
                          ) : (
                            <div className="min-w-0 max-sm:flex-1 max-sm:break-words">{content}</div>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                  {open ? (
                    <tr className="max-sm:block">
                      <td
                        colSpan={leafColumns.length}
                        className={`${TD} max-w-[80vw] whitespace-normal bg-surface-2/40 max-sm:block max-sm:max-w-none max-sm:rounded-xl`}
                      >
                        {details!.render(row)}
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
      {footer}
    </>
  );
}

/**
 * A sortable column's header: a button that sorts by `by` (clicking the current sort flips its order in `onSort`),
 * with its arrow, and the column's `aria-sort`.
 */
export function sortableHeader<S extends string>(
  label: string,
  by: S,
  current: S | undefined,
  order: 'asc' | 'desc',
  onSort: (s: S) => void,
): { header: ReactNode; cardLabel: string; sort: 'ascending' | 'descending' | 'none' } {
  const active = current === by;
  const Arrow = order === 'desc' ? ArrowDown : ArrowUp;
  return {
    header: (
      <button
        type="button"
        onClick={() => onSort(by)}
        className={`inline-flex items-center gap-1 uppercase ${active ? 'text-fg' : ''}`}
      >
        {label}
        {active ? <Arrow aria-hidden className="h-3 w-3" /> : null}
      </button>
    ),
    cardLabel: label,
    sort: active ? (order === 'desc' ? 'descending' : 'ascending') : 'none',
  };
}
