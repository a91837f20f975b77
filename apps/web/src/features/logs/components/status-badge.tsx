import { Badge } from '../../../components/ui/badge';

/** An HTTP status as a coloured badge: 2xx/3xx ok, 4xx warn, 5xx (and 0: never answered) danger. */
export function HttpStatusBadge({ status, code }: { status: number; code?: string | null }) {
  const tone = status > 0 && status < 400 ? 'ok' : status >= 400 && status < 500 ? 'warn' : 'danger';
  return (
    <Badge tone={tone}>
      {status === 0 ? 'no answer' : status}
      {code ? ` · ${code}` : ''}
    </Badge>
  );
}
