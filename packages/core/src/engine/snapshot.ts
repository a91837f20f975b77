/**
 * A PostgreSQL snapshot (`pg_current_snapshot()`: `xmin:xmax:xip,…`) and whether a write committed before it was
 * taken. A budget rebuilt from the database reads the recorded spend and the snapshot in one transaction; each
 * instance knows the transaction id of each of its usage writes (committed before it learns it), so it can tell
 * exactly which of its records the rebuild already holds: a rebuild is exact whatever the instances' clocks say.
 */
export interface DbSnapshot {
  /** Every transaction below this one had ended when the snapshot was taken. */
  xmin: number;
  /** No transaction from this one on had ended. */
  xmax: number;
  /** Transactions in between still running then. */
  xip: readonly number[];
}

const XID = /^\d{1,15}$/;

/** A snapshot from PostgreSQL's text form; null for anything else. */
export function parseSnapshot(text: string): DbSnapshot | null {
  const parts = text.split(':');
  if (parts.length !== 3) return null;
  const [lo, hi, list] = parts as [string, string, string];
  if (!XID.test(lo) || !XID.test(hi)) return null;
  const xip = list === '' ? [] : list.split(',');
  if (!xip.every((x) => XID.test(x))) return null;
  const s = { xmin: Number(lo), xmax: Number(hi), xip: xip.map(Number) };
  return s.xmin <= s.xmax && s.xip.every((x) => x >= s.xmin && x < s.xmax) ? s : null;
}

/** The snapshot in PostgreSQL's text form (what `parseSnapshot` reads). */
export function snapshotText(s: DbSnapshot): string {
  return `${s.xmin}:${s.xmax}:${s.xip.join(',')}`;
}

/**
 * Whether the committed transaction `xid` is visible in the snapshot `s`: it had committed when `s` was taken (a
 * transaction below xmin, or below xmax and not in progress then).
 */
export function committedBefore(xid: number, s: DbSnapshot): boolean {
  if (xid < s.xmin) return true;
  return xid < s.xmax && !s.xip.includes(xid);
}
