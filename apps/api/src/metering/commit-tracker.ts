import type { Database } from '../db/client.js';

/**
 * The last database transaction this instance's usage writes committed. Every usage statement (a batch, a dead letter,
 * the rollup rows of dropped records) goes through `target`, which runs it as it is with `RETURNING` the id of its
 * own transaction (PostgreSQL's `pg_current_xact_id()`; each statement commits on its own). Statements run one at a
 * time, so every earlier write's transaction ended before a later one's began: a snapshot that saw `lastXid`
 * committed saw all of them. The ledger stamps written records with it, and a budget rebuilt from the database
 * (which reads its snapshot with the spend) tells exactly which of this instance's records it holds.
 */
export class CommitTracker {
  lastXid: number | null = null;

  /** Usage statements run on `db`; each one's transaction id is noted. */
  target(db: Pick<Database, 'query'>): Pick<Database, 'execute'> {
    return {
      execute: async (sql: string, params: unknown[]) => {
        const rows = await db.query<{ xid: string }>(
          `${sql}\nRETURNING pg_current_xact_id()::text AS "xid"`,
          params,
        );
        const xid = Number(rows[0]?.xid);
        if (Number.isSafeInteger(xid) && (this.lastXid === null || xid > this.lastXid)) this.lastXid = xid;
      },
    };
  }
}
