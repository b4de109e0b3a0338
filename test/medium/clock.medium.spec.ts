/**
 * The one clock (issue 15 item 3): leases and expiring keys end on the injected `Clock`, not on the wall clock.
 * The fake clock starts at 2026-11-25T12:00Z, so anything still read from the wall clock would disagree with it.
 */
import { JobsRepository } from '../../src/jobs/jobs.repository';
import { StateStore } from '../../src/state-store/state-store';
import { createMediumContext, MediumContext } from '../support/medium';

describe('the injected clock decides (medium)', () => {
  let ctx: MediumContext;
  afterEach(async () => ctx?.close());

  describe('job leases (embedded queue claims, PostgreSQL)', () => {
    const LOCK_MS = 30_000;
    let repo: JobsRepository;
    const now = () => new Date(ctx.clock.now());

    beforeEach(async () => {
      ctx = await createMediumContext({ imports: [], providers: [JobsRepository] });
      repo = ctx.get(JobsRepository);
      await repo.create({ id: 'job-lease-1', kind: 'lease-test', ownerId: null, maxAttempts: 3, runAt: now(), payload: {} });
    });

    it('keeps a claimed job locked until the clock passes the lease, then lets another worker take it over', async () => {
      const first = await repo.claim('lease-test', 'worker-a', LOCK_MS, now());
      expect(first).toMatchObject({ id: 'job-lease-1', status: 'running', attempts: 1, lockedBy: 'worker-a' });
      expect(first!.lockedUntil!.getTime()).toBe(ctx.clock.now() + LOCK_MS);

      ctx.clock.advance(LOCK_MS - 1);
      expect(await repo.claim('lease-test', 'worker-b', LOCK_MS, now())).toBeNull();

      ctx.clock.advance(1);
      const taken = await repo.claim('lease-test', 'worker-b', LOCK_MS, now());
      expect(taken).toMatchObject({ id: 'job-lease-1', status: 'running', attempts: 2, lockedBy: 'worker-b' });
    });

    it('renews a lease from the clock: a renewed job stays locked past its first lease', async () => {
      await repo.claim('lease-test', 'worker-a', LOCK_MS, now());
      ctx.clock.advance(LOCK_MS - 1_000);
      await repo.renewLocks(['job-lease-1'], 'worker-a', LOCK_MS, now());

      ctx.clock.advance(LOCK_MS - 1);
      expect(await repo.claim('lease-test', 'worker-b', LOCK_MS, now())).toBeNull();
      ctx.clock.advance(1);
      expect(await repo.claim('lease-test', 'worker-b', LOCK_MS, now())).toMatchObject({ lockedBy: 'worker-b', attempts: 2 });
    });

    it('starts a job (BullMQ path) locked from the clock', async () => {
      const started = await repo.start('job-lease-1', 1, 'bull:worker', LOCK_MS, now());
      expect(started!.lockedUntil!.getTime()).toBe(ctx.clock.now() + LOCK_MS);
      ctx.clock.advance(LOCK_MS - 1);
      expect(await repo.claim('lease-test', 'worker-b', LOCK_MS, now())).toBeNull();
      ctx.clock.advance(1);
      expect(await repo.claim('lease-test', 'worker-b', LOCK_MS, now())).toMatchObject({ lockedBy: 'worker-b' });
    });
  });

  describe('expiring keys in the in-memory state store (a TTL cache)', () => {
    beforeEach(async () => {
      ctx = await createMediumContext({ imports: [] });
    });

    it('keeps a key until the clock passes its TTL, however long the wall clock took', async () => {
      const store = ctx.module.get(StateStore);
      expect(store.kind).toBe('memory');
      await store.set('cache:entry', 'v1', 60_000);
      await store.increment('cache:count', 1, 60_000);

      ctx.clock.advance(59_999);
      expect(await store.get('cache:entry')).toBe('v1');
      expect(await store.ttl('cache:entry')).toBe(1);
      expect(await store.increment('cache:count', 1, 60_000)).toBe(2);

      ctx.clock.advance(1);
      expect(await store.get('cache:entry')).toBeNull();
      // The counter's window ended with the clock too: counting starts again.
      expect(await store.increment('cache:count', 1, 60_000)).toBe(1);
    });
  });
});
