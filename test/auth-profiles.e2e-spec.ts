import { eq } from 'drizzle-orm';
import request from 'supertest';
import { AuthService } from '../src/auth/auth.service';
import { Database } from '../src/database/database.module';
import { userProfiles, users } from '../src/database/schema';
import { createTestApp, TestApp } from './support/app';
import { bearer, DATABASES, JWT_SECRET, register, Registered } from './support/auth';

const ADMIN_API_TOKEN = 'profiles-admin-token-0123456789';

describe.each(DATABASES)('profiles and staff access on %s', (_name, openDatabase) => {
  let t: TestApp;
  let drop: () => Promise<void> = async () => undefined;
  let alice: Registered;
  let bob: Registered;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    const db = await openDatabase();
    drop = db.drop;
    t = await createTestApp({ ...db.env, JWT_SECRET, ADMIN_API_TOKEN });
    alice = await register(t.app, 'alice');
    bob = await register(t.app, 'bob');
  });
  afterAll(async () => {
    await t?.close();
    await drop();
  });

  describe('own profile', () => {
    it('is created with the account, with the model defaults', async () => {
      const res = await http().get('/api/auth/profiles/me/').set(bearer(alice.access)).expect(200);
      expect(res.body).toEqual({
        id: expect.any(Number),
        username: 'alice',
        email: 'alice@example.com',
        default_risk_tolerance: 'moderate',
        default_timeframe: '1d',
        preferred_symbols: [],
        trading_goals: '',
        strategy_preferences: '',
        risk_parameters: {},
        created_at: expect.any(String),
        updated_at: expect.any(String),
        last_active: expect.any(String),
      });
    });

    it('is listed alone, as a page', async () => {
      const res = await http().get('/api/auth/profiles/').set(bearer(alice.access)).expect(200);
      expect(res.body).toMatchObject({ count: 1, next: null, previous: null });
      expect(res.body.results.map((p: { username: string }) => p.username)).toEqual(['alice']);
    });

    it('takes a partial update and keeps the other fields', async () => {
      const changes = {
        default_risk_tolerance: 'aggressive',
        default_timeframe: '4h',
        preferred_symbols: ['AAPL', 'BTC-USD', '^GSPC'],
        risk_parameters: { max_position_pct: 10, stops: { trailing: true } },
      };
      const res = await http().patch('/api/auth/profiles/update_me/').set(bearer(alice.access)).send(changes).expect(200);
      expect(res.body).toMatchObject({ ...changes, trading_goals: '', username: 'alice' });
      const again = await http()
        .patch('/api/auth/profiles/update_me/')
        .set(bearer(alice.access))
        .send({ trading_goals: 'Beat the index' })
        .expect(200);
      expect(again.body).toMatchObject({ ...changes, trading_goals: 'Beat the index' });
      expect(Date.parse(again.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(res.body.updated_at));
    });

    it('ignores the read-only fields a client sends back from GET', async () => {
      const current = (await http().get('/api/auth/profiles/me/').set(bearer(alice.access)).expect(200)).body;
      const res = await http()
        .patch('/api/auth/profiles/update_me/')
        .set(bearer(alice.access))
        .send({ ...current, username: 'mallory', id: 999, strategy_preferences: 'Momentum' })
        .expect(200);
      expect(res.body).toMatchObject({ id: current.id, username: 'alice', strategy_preferences: 'Momentum' });
    });

    it.each([
      ['an unknown risk tolerance', 'default_risk_tolerance', 'yolo'],
      ['a timeframe that is not a bar size', 'default_timeframe', 'every tuesday'],
      ['symbols that are not a list', 'preferred_symbols', 'AAPL'],
      ['a symbol with spaces', 'preferred_symbols', ['AAPL', 'not a symbol!']],
      ['51 symbols', 'preferred_symbols', Array.from({ length: 51 }, (_, i) => `S${i}`)],
      ['5001 characters of goals', 'trading_goals', 'x'.repeat(5001)],
      ['a number for a text', 'strategy_preferences', 42],
      ['risk parameters that are a list', 'risk_parameters', [1, 2, 3]],
      ['9 KB of risk parameters', 'risk_parameters', { blob: 'x'.repeat(9000) }],
      ['an unknown field', 'favourite_colour', 'blue'],
    ])('rejects %s with 400 naming the field', async (_label, field, value) => {
      const res = await http()
        .patch('/api/auth/profiles/update_me/')
        .set(bearer(alice.access))
        .send({ [field]: value })
        .expect(400);
      expect(Object.keys(res.body)).toEqual([field]);
    });

    it('reads and updates the profile by its own id too', async () => {
      const me = (await http().get('/api/auth/profiles/me/').set(bearer(bob.access)).expect(200)).body;
      await http().get(`/api/auth/profiles/${me.id}/`).set(bearer(bob.access)).expect(200);
      const res = await http().put(`/api/auth/profiles/${me.id}/`).set(bearer(bob.access)).send({ default_timeframe: '15m' }).expect(200);
      expect(res.body.default_timeframe).toBe('15m');
    });

    it('POST sets the fields on your one profile (200), or creates it for an account without one (201)', async () => {
      const me = (await http().get('/api/auth/profiles/me/').set(bearer(bob.access)).expect(200)).body;
      const res = await http()
        .post('/api/auth/profiles/')
        .set(bearer(bob.access))
        .send({ default_risk_tolerance: 'aggressive', preferred_symbols: ['BTC-USD'] })
        .expect(200);
      expect(res.body).toMatchObject({ id: me.id, username: 'bob', default_risk_tolerance: 'aggressive', preferred_symbols: ['BTC-USD'] });
      expect(res.body.default_timeframe).toBe(me.default_timeframe);
      const list = await http().get('/api/auth/profiles/').set(bearer(bob.access)).expect(200);
      expect(list.body.count).toBe(1);

      const carol = await register(t.app, 'carol');
      await t.app.get(Database).connection.db.delete(userProfiles).where(eq(userProfiles.userId, carol.id));
      const created = await http().post('/api/auth/profiles/').set(bearer(carol.access)).send({ trading_goals: 'Learn' }).expect(201);
      expect(created.body).toMatchObject({ username: 'carol', trading_goals: 'Learn', default_risk_tolerance: 'moderate' });
      expect((await http().get('/api/auth/profiles/me/').set(bearer(carol.access)).expect(200)).body.id).toBe(created.body.id);
    });

    it('POST rejects bad fields with 400 DRF field errors, changing nothing', async () => {
      const before = (await http().get('/api/auth/profiles/me/').set(bearer(bob.access)).expect(200)).body;
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ default_risk_tolerance: 'reckless' }, 'default_risk_tolerance'],
        [{ preferred_symbols: 'BTC' }, 'preferred_symbols'],
        [{ risk_parameters: [1] }, 'risk_parameters'],
        [{ user: alice.id }, 'user'],
      ];
      for (const [body, field] of cases) {
        const res = await http().post('/api/auth/profiles/').set(bearer(bob.access)).send(body);
        expect([field, res.status, Object.keys(res.body)]).toEqual([field, 400, [field]]);
      }
      const after = (await http().get('/api/auth/profiles/me/').set(bearer(bob.access)).expect(200)).body;
      expect(after).toEqual({ ...before, last_active: after.last_active });
    });

    it('DELETE resets your profile to the defaults (204); the profile and its id stay', async () => {
      const me = (await http().get('/api/auth/profiles/me/').set(bearer(bob.access)).expect(200)).body;
      await http().patch('/api/auth/profiles/update_me/').set(bearer(bob.access)).send({ trading_goals: 'Gone soon' }).expect(200);
      await http().delete(`/api/auth/profiles/${me.id}/`).set(bearer(bob.access)).expect(204);
      const after = (await http().get('/api/auth/profiles/me/').set(bearer(bob.access)).expect(200)).body;
      expect(after).toMatchObject({
        id: me.id,
        username: 'bob',
        default_risk_tolerance: 'moderate',
        default_timeframe: '1d',
        preferred_symbols: [],
        trading_goals: '',
        strategy_preferences: '',
        risk_parameters: {},
        created_at: me.created_at,
      });
      await http().delete('/api/auth/profiles/abc/').set(bearer(bob.access)).expect(404);
      await http().delete('/api/auth/profiles/99999999999/').set(bearer(bob.access)).expect(404);
    });

    it('needs a token', async () => {
      await http().get('/api/auth/profiles/me/').expect(401);
      await http().patch('/api/auth/profiles/update_me/').send({ trading_goals: 'x' }).expect(401);
      await http().post('/api/auth/profiles/').send({ trading_goals: 'x' }).expect(401);
      await http().delete('/api/auth/profiles/1/').expect(401);
    });
  });

  describe("someone else's profile", () => {
    it('is not listed, not readable and not writable (404, as if it did not exist)', async () => {
      const aliceProfile = (await http().get('/api/auth/profiles/me/').set(bearer(alice.access)).expect(200)).body;
      const list = await http().get('/api/auth/profiles/').set(bearer(bob.access)).expect(200);
      expect(list.body.results.map((p: { id: number }) => p.id)).not.toContain(aliceProfile.id);
      const read = await http().get(`/api/auth/profiles/${aliceProfile.id}/`).set(bearer(bob.access)).expect(404);
      expect(read.body).toEqual({ detail: 'Not found.' });
      await http().patch(`/api/auth/profiles/${aliceProfile.id}/`).set(bearer(bob.access)).send({ trading_goals: 'hijacked' }).expect(404);
      const del = await http().delete(`/api/auth/profiles/${aliceProfile.id}/`).set(bearer(bob.access)).expect(404);
      expect(del.body).toEqual({ detail: 'Not found.' });
      const after = (await http().get('/api/auth/profiles/me/').set(bearer(alice.access)).expect(200)).body;
      expect(after.trading_goals).toBe('Beat the index');
    });

    it('answers 404 for ids that are not numbers or out of range', async () => {
      await http().get('/api/auth/profiles/abc/').set(bearer(bob.access)).expect(404);
      await http().get('/api/auth/profiles/99999999999/').set(bearer(bob.access)).expect(404);
    });
  });

  describe('staff access to key administration', () => {
    it('refuses a regular user with 403', async () => {
      const res = await http().get('/api/keys/health').set(bearer(alice.access)).expect(403);
      expect(res.body.error).toBe('Staff access required');
    });

    it('accepts the access token of an is_staff user', async () => {
      // An operator makes Alice staff in the database. A token already in use keeps what the authenticator
      // read for it until AUTH_CACHE_TTL_MS (on here); a token issued after the change sees it at once.
      await t.app.get(Database).connection.db.update(users).set({ isStaff: true }).where(eq(users.id, alice.id));
      await http().get('/api/keys/health').set(bearer(alice.access)).expect(403);
      const login = await http().post('/api/auth/login/').send({ username: 'alice', password: alice.password }).expect(200);
      alice = { ...alice, access: login.body.tokens.access, refresh: login.body.tokens.refresh };
      const res = await http().get('/api/keys/health').set(bearer(alice.access)).expect(200);
      expect(res.body).toHaveProperty('keys');
    });

    it('still accepts ADMIN_API_TOKEN, and still refuses a wrong token or none', async () => {
      await http().get('/api/keys/health').set(bearer(ADMIN_API_TOKEN)).expect(200);
      await http().get('/api/keys/health').set(bearer('wrong-token')).expect(401);
      await http().get('/api/keys/health').expect(401);
    });

    it('refuses a staff user who has been deactivated', async () => {
      // Deactivating revokes the user's tokens in the state store: the access token cached by the
      // authenticator stops at once, too.
      await t.app.get(AuthService).deactivate(alice.id);
      expect((await t.app.get(Database).connection.db.select().from(users).where(eq(users.id, alice.id)))[0].isActive).toBe(false);
      await http().get('/api/keys/health').set(bearer(alice.access)).expect(401);
      await http().get('/api/auth/user/me/').set(bearer(alice.access)).expect(401);
      await http().post('/api/auth/login/').send({ username: 'alice', password: alice.password }).expect(401);
    });
  });
});
