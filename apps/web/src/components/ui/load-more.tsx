import { useEffect, useRef } from 'react';
import { Button } from './button';

/**
 * The end of a cursor-paged list: "N shown", a "Load more" button, and (with `auto`) an IntersectionObserver that
 * loads the next page when the end scrolls into view. The button stays for keyboards and when the observer is absent.
 */
export function LoadMore({
  shown,
  noun,
  hasMore,
  loading,
  onMore,
  auto = false,
}: {
  shown: number;
  noun: [string, string];
  hasMore: boolean;
  loading: boolean;
  onMore: () => void;
  auto?: boolean;
}) {
  const sentinel = useRef<HTMLDivElement>(null);
  const more = useRef(onMore);
  more.current = onMore;
  useEffect(() => {
    const el = sentinel.current;
    if (!auto || !hasMore || loading || !el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) more.current();
      },
      { rootMargin: '200px' },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [auto, hasMore, loading]);
  return (
    <div ref={sentinel} className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm text-muted">
      <span role="status">
        {shown} {shown === 1 ? noun[0] : noun[1]} shown{hasMore ? '; there are more' : ''}.
      </span>
      {hasMore ? (
        <Button variant="subtle" disabled={loading} onClick={onMore}>
          {loading ? 'Loading…' : 'Load more'}
        </Button>
      ) : null}
    </div>
  );
}
