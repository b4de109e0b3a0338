import request from 'supertest';
import { SMA_CROSS_BOT } from '../bots/bot-fixtures';
import { createTestApp, TestApp } from '../support/app';
import { bearer, JWT_SECRET, register } from '../support/auth';

describe("a comment's parent on another user's strategy", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ JWT_SECRET });
  });
  afterAll(() => t.close());

  it('answers exactly like a parent that does not exist', async () => {
    const http = () => request(t.app.getHttpServer());
    const alice = await register(t.app, 'alice');
    const bob = await register(t.app, 'bob');
    const aliceStrategy = await http()
      .post('/api/strategies/strategies/')
      .set(bearer(alice.access))
      .send({ name: 'alice private', strategy_code: SMA_CROSS_BOT })
      .expect(201);
    const aliceComment = await http()
      .post('/api/strategies/comments/')
      .set(bearer(alice.access))
      .send({ strategy: aliceStrategy.body.id, content: 'mine' })
      .expect(201);
    const bobStrategy = await http()
      .post('/api/strategies/strategies/')
      .set(bearer(bob.access))
      .send({ name: 'bob own', strategy_code: SMA_CROSS_BOT })
      .expect(201);
    const bobComment = await http()
      .post('/api/strategies/comments/')
      .set(bearer(bob.access))
      .send({ strategy: bobStrategy.body.id, content: 'hello' })
      .expect(201);

    const missingId = 987_654;
    const foreign = await http()
      .post('/api/strategies/comments/')
      .set(bearer(bob.access))
      .send({ strategy: bobStrategy.body.id, content: 'x', parent: aliceComment.body.id })
      .expect(400);
    const missing = await http()
      .post('/api/strategies/comments/')
      .set(bearer(bob.access))
      .send({ strategy: bobStrategy.body.id, content: 'x', parent: missingId })
      .expect(400);
    const shape = (body: { parent: string[] }, id: number) => body.parent[0].replace(String(id), '<id>');
    expect(shape(foreign.body, aliceComment.body.id)).toBe(shape(missing.body, missingId));
    expect(foreign.body.parent).toEqual([`Invalid pk "${aliceComment.body.id}" - object does not exist.`]);

    const patched = await http()
      .patch(`/api/strategies/comments/${bobComment.body.id}/`)
      .set(bearer(bob.access))
      .send({ parent: aliceComment.body.id })
      .expect(400);
    expect(patched.body.parent).toEqual([`Invalid pk "${aliceComment.body.id}" - object does not exist.`]);
  });
});
