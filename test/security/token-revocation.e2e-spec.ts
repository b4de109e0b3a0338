import request from 'supertest';
import { AuthService } from '../../src/auth/auth.service';
import { TokenValidity } from '../../src/auth/token-validity';
import { createTestApp, TestApp } from '../support/app';
import { bearer, JWT_SECRET, PASSWORD, register } from '../support/auth';
import { freshPostgresSchema, freshRedisPrefix } from '../support/services';

const NEW_PASSWORD = 'Fresh-Backtest#2027';

describe('password change and deactivation revoke earlier tokens on every replica (Redis + PostgreSQL)', () => {
  let one: TestApp;
  let two: TestApp;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const pg = await freshPostgresSchema();
    const redis = await freshRedisPrefix();
    const env = { JWT_SECRET, DATABASE_URL: pg.url, DATABASE_SCHEMA: pg.schema, REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix };
    one = await createTestApp(env);
    two = await createTestApp(env);
    cleanup = async () => {
      await redis.cleanup();
      await pg.drop();
    };
  });
  afterAll(async () => {
    await one.close();
    await two.close();
    await cleanup();
  });

  const me = (t: TestApp, token: string) => request(t.app.getHttpServer()).get('/api/auth/user/me/').set(bearer(token));
  const refresh = (t: TestApp, token: string) => request(t.app.getHttpServer()).post('/api/auth/token/refresh/').send({ refresh: token });

  it('changing the password stops the old access and refresh tokens of every session, and gives this session a fresh pair', async () => {
    const sessionA = await register(one.app, 'alice');
    const login = await request(two.app.getHttpServer())
      .post('/api/auth/login/')
      .send({ username: 'alice', password: PASSWORD })
      .expect(200);
    const sessionB = login.body.tokens as { access: string; refresh: string };
    await me(two, sessionB.access).expect(200);

    const changed = await request(one.app.getHttpServer())
      .post('/api/auth/change-password/')
      .set(bearer(sessionA.access))
      .send({ current_password: PASSWORD, new_password: NEW_PASSWORD })
      .expect(200);
    expect(changed.body).toEqual({
      message: 'Password changed successfully',
      tokens: { access: expect.any(String), refresh: expect.any(String) },
    });

    for (const t of [one, two]) {
      for (const old of [sessionA.access, sessionB.access]) {
        const res = await me(t, old).expect(401);
        expect(res.body).toMatchObject({
          code: 'token_not_valid',
          messages: [expect.objectContaining({ message: expect.stringMatching(/revoked/) })],
        });
      }
    }
    await refresh(two, sessionB.refresh).expect(401);
    await refresh(one, sessionA.refresh).expect(401);

    await me(two, changed.body.tokens.access).expect(200);
    await me(one, changed.body.tokens.access).expect(200);
    const rotated = await refresh(two, changed.body.tokens.refresh).expect(200);
    await me(one, rotated.body.access).expect(200);

    await request(one.app.getHttpServer()).post('/api/auth/login/').send({ username: 'alice', password: PASSWORD }).expect(401);
    const again = await request(two.app.getHttpServer())
      .post('/api/auth/login/')
      .send({ username: 'alice', password: NEW_PASSWORD })
      .expect(200);
    await me(one, again.body.tokens.access).expect(200);
  });

  it('logging out on one replica stops the access token on the other at once, though that one had it cached', async () => {
    const dave = await register(one.app, 'dave');
    // Both replicas have seen (and cached) the token.
    await me(one, dave.access).expect(200);
    await me(two, dave.access).expect(200);
    await request(one.app.getHttpServer()).post('/api/auth/logout/').set(bearer(dave.access)).send({ refresh: dave.refresh }).expect(200);
    for (const t of [two, one]) {
      const res = await me(t, dave.access).expect(401);
      expect(res.body).toMatchObject({ code: 'token_not_valid' });
    }
    await refresh(two, dave.refresh).expect(401);
  });

  it('a wrong current password changes nothing and revokes nothing', async () => {
    const bob = await register(one.app, 'bob');
    await request(one.app.getHttpServer())
      .post('/api/auth/change-password/')
      .set(bearer(bob.access))
      .send({ current_password: 'wrong-one', new_password: NEW_PASSWORD })
      .expect(400);
    await me(two, bob.access).expect(200);
    await refresh(two, bob.refresh).expect(200);
    expect(await two.app.get(TokenValidity).tokensValidAfter(bob.id)).toBeNull();
  });

  it('deactivating a user revokes their tokens everywhere', async () => {
    const carol = await register(one.app, 'carol');
    await me(two, carol.access).expect(200);
    await one.app.get(AuthService).deactivate(carol.id);
    expect(await two.app.get(TokenValidity).tokensValidAfter(carol.id)).toEqual(expect.any(Number));
    await me(two, carol.access).expect(401);
    await refresh(two, carol.refresh).expect(401);
  });
});
