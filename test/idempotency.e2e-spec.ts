/**
 * Idempotency-Key: how long a retry waits for the first request with its key is the injected Clock's to say
 * (IDEMPOTENCY_WAIT_MS from the retry's arrival). The clock here is a FakeClock the test moves by hand while a
 * first request is held open; the store is the real in-memory one on the same clock, counting its reads so the
 * test knows when the retry is waiting.
 */
import { Body, Controller, Post } from '@nestjs/common';
import request from 'supertest';
import { Clock, FakeClock } from '../src/common/clock';
import { IDEMPOTENCY_WAIT_MS, Idempotent } from '../src/idempotency/idempotency';
import { MemoryStateStore } from '../src/state-store/memory-state-store';
import { StateStore } from '../src/state-store/state-store';
import { createTestApp, TestApp } from './support/app';

/** A create endpoint whose first call stays open until the test lets it answer. */
@Controller('test-idempotent')
class HeldCreateController {
  calls = 0;
  private release: () => void = () => undefined;
  private gate: Promise<void> = Promise.resolve();

  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  answer(): void {
    this.release();
  }

  @Post()
  @Idempotent()
  async create(@Body() body: { name: string }): Promise<{ id: number; name: string }> {
    const id = ++this.calls;
    await this.gate;
    return { id, name: body.name };
  }
}

/** The in-memory store, counting `getMany` (what a waiting retry polls). */
class CountingStore extends MemoryStateStore {
  polls = 0;
  override async getMany(keys: string[]): Promise<Array<string | null>> {
    this.polls++;
    return super.getMany(keys);
  }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('Idempotency-Key wait deadline (on the injected clock)', () => {
  let t: TestApp;
  let clock: FakeClock;
  let store: CountingStore;
  let controller: HeldCreateController;

  beforeEach(async () => {
    clock = new FakeClock(Date.parse('2026-11-25T12:00:00Z'));
    store = new CountingStore(() => clock.now());
    t = await createTestApp(
      {},
      {
        controllers: [HeldCreateController],
        overrides: [
          [Clock, clock],
          [StateStore, store],
        ],
      },
    );
    controller = t.app.get(HeldCreateController);
  });
  afterEach(async () => {
    controller.answer(); // a held first request never outlives its test, even one that failed
    await t.close();
  });

  const post = (key: string) =>
    request(t.app.getHttpServer())
      .post('/test-idempotent')
      .set('Idempotency-Key', key)
      .send({ name: 'once' })
      .then((r) => r);

  /** The first request is running (held) and a retry with the same key has polled the store `polls` times. */
  async function firstHeldAndRetryWaiting(key: string, polls: number) {
    controller.hold();
    const first = post(key);
    await until(() => controller.calls === 1);
    const retry = post(key);
    await until(() => store.polls >= polls);
    return { first, retry };
  }

  it('answers the waiting retry 409 once the clock passes the deadline, and the work still ran once', async () => {
    const { first, retry } = await firstHeldAndRetryWaiting('deadline-1', 1);
    clock.advance(IDEMPOTENCY_WAIT_MS);
    const refused = await retry;
    expect(refused.status).toBe(409);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body).toMatchObject({ error: 'A request with this Idempotency-Key is still being processed' });

    controller.answer();
    expect((await first).status).toBe(201);
    expect(controller.calls).toBe(1);
  });

  it('keeps the retry waiting while the clock stays short of the deadline, however many polls it takes', async () => {
    const { first, retry } = await firstHeldAndRetryWaiting('deadline-2', 3);
    clock.advance(IDEMPOTENCY_WAIT_MS - 1);
    const polled = store.polls;
    await until(() => store.polls >= polled + 3);

    controller.answer();
    const [a, b] = await Promise.all([first, retry]);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.body).toEqual(a.body);
    expect(controller.calls).toBe(1);
  });
});
