import { Download } from 'lucide-react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog, FormError } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { dayRangeToIso } from '../../../lib/date-range';
import { formatNumber, plural } from '../../../lib/format';
import { exportUsageCsv, saveBlob } from '../api/export-usage';
import { formatBytes } from '../csv-progress';

type State = { kind: 'idle' } | { kind: 'running'; bytes: number; rows: number } | { kind: 'done'; filename: string; bytes: number; rows: number } | { kind: 'error'; error: unknown };

/**
 * Exports one user's activity (or the caller's own, `scope="self"`) as CSV for a date range: streams it with a
 * running count of bytes and rows, then saves the file. Closing cancels a running export.
 */
export function ExportDialog({ open, onClose, scope, user }: { open: boolean; onClose: () => void; scope: 'any' | 'self'; user?: { id: string; label: string } | null }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [rangeError, setRangeError] = useState<string | undefined>();
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);
  const close = () => {
    abort.current?.abort();
    abort.current = null;
    setState({ kind: 'idle' });
    setRangeError(undefined);
    onClose();
  };
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    const from = String(fd.get('from') ?? '');
    const to = String(fd.get('to') ?? '');
    const range = dayRangeToIso(from, to);
    if (range.from && range.to && range.from > range.to) {
      setRangeError('Must not be before "From"');
      return;
    }
    setRangeError(undefined);
    const ctrl = new AbortController();
    abort.current = ctrl;
    setState({ kind: 'running', bytes: 0, rows: 0 });
    try {
      const r = await exportUsageCsv(scope, { user: user?.id, ...range }, (p) => setState({ kind: 'running', ...p }), ctrl.signal);
      if (ctrl.signal.aborted) return;
      saveBlob(r.blob, r.filename);
      setState({ kind: 'done', filename: r.filename, bytes: r.bytes, rows: r.rows });
    } catch (err) {
      if (!ctrl.signal.aborted) setState({ kind: 'error', error: err });
    }
  };
  const running = state.kind === 'running';
  return (
    <Dialog open={open} onClose={close} title={scope === 'self' ? 'Export my usage' : `Export ${user?.label ?? 'usage'}`} description="Every request in the range as CSV: time, key, endpoint, models, tokens, cost, latency and status. Blank dates: all time.">
      <form onSubmit={(e) => void onSubmit(e)} aria-label="Export range" className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <TextField label="From" name="from" type="date" disabled={running} />
        <TextField label="To" name="to" type="date" disabled={running} error={rangeError} />
        <div aria-live="polite" className="text-sm sm:col-span-2" data-testid="export-progress">
          {state.kind === 'running' ? `Downloading… ${formatBytes(state.bytes)}, ${plural(state.rows, 'row')}` : null}
          {state.kind === 'done' ? <span className="text-ok">Saved {state.filename}: {formatNumber(state.rows)} {state.rows === 1 ? 'row' : 'rows'}, {formatBytes(state.bytes)}.</span> : null}
        </div>
        {state.kind === 'error' ? <div className="sm:col-span-2"><FormError error={state.error} /></div> : null}
        <div className="flex justify-end gap-2 sm:col-span-2">
          <Button type="button" variant="ghost" onClick={close}>{running ? 'Cancel' : 'Close'}</Button>
          <Button type="submit" disabled={running}><Download aria-hidden className="h-4 w-4" /> {running ? 'Exporting…' : 'Download CSV'}</Button>
        </div>
      </form>
    </Dialog>
  );
}
