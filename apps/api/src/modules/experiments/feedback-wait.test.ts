// The feedback service's wait for another instance's queue is bounded: past `maxWaiting` scores waiting at once, a
// score for an id no record holds is answered at once (not found) instead of holding one more connection. Real
// database; the service alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_CALLER } from '../../proxy/caller.js';
import { newRequestId } from '../../proxy/request-id.js';
import { createTestDatabase, testDbKind, type TestDatabase } from '../../test/db.js';
import { FeedbackService } from './feedback.service.js';

/** Resolves once `ok()` holds (checked every 10 ms, for at most 10 s). */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
}

describe(`feedback: the wait for other instances is bounded (${testDbKind()})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('waits for one fresh unknown id at a time when maxWaiting is 1; the next is answered without waiting', async () => {
    const svc = new FeedbackService(db.prisma, {
      flushUsage: async () => {},
      writeIntervalMs: 2_500,
      maxWaiting: 1,
    });
    let firstDone = false;
    const first = svc.record(MASTER_CALLER, { request_id: newRequestId(), score: 1 }).then((r) => {
      firstDone = true;
      return r;
    });
    // The first reaches its wait (after its lookups).
    await until(() => svc.waiting === 1);
    expect(await svc.record(MASTER_CALLER, { request_id: newRequestId(), score: 1 })).toBeNull();
    expect(firstDone).toBe(false);
    expect(await first).toBeNull();
    // The wait is over: the next one waits again (and is answered once it has).
    let thirdDone = false;
    const third = svc.record(MASTER_CALLER, { request_id: newRequestId(), score: 1 }).then(() => {
      thirdDone = true;
    });
    await until(() => svc.waiting === 1);
    expect(thirdDone).toBe(false);
    await third;
    expect(svc.waiting).toBe(0);
  });
});
