import { JwtService } from '@nestjs/jwt';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { Database } from '../src/database/database.module';
import { users } from '../src/database/schema';
import { createTestApp, TestApp } from './support/app';
import { bearer, DATABASES, JWT_SECRET, PASSWORD, register, Registered } from './support/auth';

const NEW_PASSWORD = 'N3w-Backtest-Season!';
const MAX_ATTEMPTS = 5;

describe.each(DATABASES)('auth API on %s', (_name, openDatabase) => {
  let t: TestApp;
  let drop: () => Promise<void> = async () => undefined;
  /** Every password and token the tests handle; none may appear in the logs. */
  const secrets = new Set<string>([PASSWORD, NEW_PASSWORD]);
  const http = () => request(t.app.getHttpServer());
  const remember = (...values: string[]) => values.forEach((v) => secrets.add(v));
  const userRow = async (id: number) => {
    const [row] = await t.app.get(Database).connection.db.select().from(users).where(eq(users.id, id));
    return row;
  };

  beforeAll(async () => {
    const db = await openDatabase();
    drop = db.drop;
    t = await createTestApp({ ...db.env, JWT_SECRET, AUTH_LOGIN_MAX_ATTEMPTS: String(MAX_ATTEMPTS), TRUST_PROXY: 'loopback' });
  });
  afterAll(async () => {
    await t?.close();
    await drop();
  });

  describe('the account flow', () => {
    let alice: Registered;

    it("registers: 201 with the user, a token pair and Django's message; the password is stored as argon2id", async () => {
      const res = await http()
        .post('/api/auth/register/')
        .send({ username: 'alice', email: 'alice@example.com', password: PASSWORD, password2: PASSWORD, first_name: 'Alice' })
        .expect(201);
      expect(res.body).toEqual({
        user: { id: expect.any(Number), username: 'alice', email: 'alice@example.com', first_name: 'Alice', last_name: '' },
        tokens: { refresh: expect.any(String), access: expect.any(String) },
        message: 'User registered successfully',
      });
      alice = { id: res.body.user.id, username: 'alice', password: PASSWORD, ...res.body.tokens };
      remember(alice.access, alice.refresh);
      const row = await userRow(alice.id);
      expect(row.passwordHash.startsWith('$argon2id$')).toBe(true);
      expect(JSON.stringify(res.body)).not.toContain(row.passwordHash);
    });

    it('issues HS256 tokens with user_id, token_type, jti and the algoagent-api issuer', () => {
      const jwt = new JwtService({ secret: JWT_SECRET });
      const access = jwt.verify(alice.access, { issuer: 'algoagent-api', algorithms: ['HS256'] });
      const refresh = jwt.verify(alice.refresh, { issuer: 'algoagent-api', algorithms: ['HS256'] });
      expect(access).toMatchObject({ user_id: alice.id, token_type: 'access', jti: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(access.exp - access.iat).toBe(3600);
      expect(refresh).toMatchObject({ user_id: alice.id, token_type: 'refresh' });
      expect(refresh.exp - refresh.iat).toBe(7 * 24 * 3600);
    });

    it('logs in (trailing slash optional): 200, same shape, and records last_login', async () => {
      const res = await http().post('/api/auth/login').send({ username: 'alice', password: PASSWORD }).expect(200);
      expect(res.body).toMatchObject({ user: { id: alice.id, username: 'alice' }, message: 'Login successful' });
      expect(Object.keys(res.body.tokens).sort()).toEqual(['access', 'refresh']);
      remember(res.body.tokens.access, res.body.tokens.refresh);
      expect((await userRow(alice.id)).lastLogin).toBeInstanceOf(Date);
    });

    it('answers bad credentials with 401 { error: "Invalid credentials" }, for a wrong password and an unknown user alike', async () => {
      const wrong = await http().post('/api/auth/login/').send({ username: 'alice', password: 'not-the-password' }).expect(401);
      const unknown = await http().post('/api/auth/login/').send({ username: 'nobody-here', password: PASSWORD }).expect(401);
      expect(wrong.body).toEqual({ error: 'Invalid credentials' });
      expect(unknown.body).toEqual(wrong.body);
    });

    it('shows the user and the profile at /user/me/', async () => {
      const res = await http().get('/api/auth/user/me/').set(bearer(alice.access)).expect(200);
      expect(res.body.user).toEqual({
        id: alice.id,
        username: 'alice',
        email: 'alice@example.com',
        first_name: 'Alice',
        last_name: '',
        date_joined: expect.any(String),
      });
      expect(res.body.profile).toMatchObject({
        username: 'alice',
        default_risk_tolerance: 'moderate',
        default_timeframe: '1d',
        preferred_symbols: [],
        risk_parameters: {},
      });
      expect(Date.parse(res.body.profile.last_active)).toBeGreaterThanOrEqual(Date.parse(res.body.user.date_joined));
    });

    it('answers the auth health check for a signed-in user', async () => {
      const res = await http().get('/api/auth/health/').set(bearer(alice.access)).expect(200);
      expect(res.body).toEqual({ status: 'healthy', service: 'auth_api', user: 'alice', timestamp: expect.any(String) });
    });

    it('rotates refresh tokens: the new pair works, the old refresh token is rejected afterwards', async () => {
      const first = await http().post('/api/auth/token/refresh/').send({ refresh: alice.refresh }).expect(200);
      expect(Object.keys(first.body).sort()).toEqual(['access', 'refresh']);
      remember(first.body.access, first.body.refresh);
      const again = await http().post('/api/auth/token/refresh/').send({ refresh: alice.refresh }).expect(401);
      expect(again.body).toEqual({ detail: 'Token is blacklisted', code: 'token_not_valid' });
      await http().get('/api/auth/user/me/').set(bearer(first.body.access)).expect(200);
      const second = await http().post('/api/auth/token/refresh').send({ refresh: first.body.refresh }).expect(200);
      remember(second.body.access, second.body.refresh);
      alice = { ...alice, access: second.body.access, refresh: second.body.refresh };
    });

    it('lets only one of two racing refreshes with the same token win', async () => {
      const racing = await Promise.all([1, 2].map(() => http().post('/api/auth/token/refresh/').send({ refresh: alice.refresh })));
      expect(racing.map((r) => r.status).sort()).toEqual([200, 401]);
      const winner = racing.find((r) => r.status === 200)!.body;
      remember(winner.access, winner.refresh);
      alice = { ...alice, access: winner.access, refresh: winner.refresh };
    });

    it('does not take an access token as a refresh token, nor a refresh token as a bearer', async () => {
      await http().post('/api/auth/token/refresh/').send({ refresh: alice.access }).expect(401);
      const res = await http().get('/api/auth/user/me/').set(bearer(alice.refresh)).expect(401);
      expect(res.body.code).toBe('token_not_valid');
    });

    it('changes the password: wrong current → 400 { error }, weak new → 400 naming new_password, then only the new one logs in', async () => {
      const wrong = await http()
        .post('/api/auth/change-password/')
        .set(bearer(alice.access))
        .send({ current_password: 'nope-nope-nope', new_password: NEW_PASSWORD })
        .expect(400);
      expect(wrong.body).toEqual({ error: 'Current password is incorrect' });
      const weak = await http()
        .post('/api/auth/change-password/')
        .set(bearer(alice.access))
        .send({ current_password: PASSWORD, new_password: 'alice1234' })
        .expect(400);
      expect(weak.body.details.new_password).toEqual(['The password is too similar to the username.']);
      const ok = await http()
        .post('/api/auth/change-password/')
        .set(bearer(alice.access))
        .send({ current_password: PASSWORD, new_password: NEW_PASSWORD })
        .expect(200);
      expect(ok.body).toEqual({
        message: 'Password changed successfully',
        tokens: { access: expect.any(String), refresh: expect.any(String) },
      });
      await http().get('/api/auth/user/me/').set(bearer(alice.access)).expect(401);
      remember(ok.body.tokens.access, ok.body.tokens.refresh);
      alice = { ...alice, access: ok.body.tokens.access, refresh: ok.body.tokens.refresh };
      await http().post('/api/auth/login/').send({ username: 'alice', password: PASSWORD }).expect(401);
      const login = await http().post('/api/auth/login/').send({ username: 'alice', password: NEW_PASSWORD }).expect(200);
      remember(login.body.tokens.access, login.body.tokens.refresh);
    });

    it('logs out: 200, the refresh token sent and the access token used are both revoked', async () => {
      const res = await http().post('/api/auth/logout/').set(bearer(alice.access)).send({ refresh: alice.refresh }).expect(200);
      expect(res.body).toEqual({ message: 'Logout successful' });
      await http().post('/api/auth/token/refresh/').send({ refresh: alice.refresh }).expect(401);
      const me = await http().get('/api/auth/user/me/').set(bearer(alice.access)).expect(401);
      expect(me.body).toEqual({
        detail: 'Given token not valid for any token type',
        code: 'token_not_valid',
        messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is blacklisted' }],
      });
    });

    it('logs out with 200 even when the refresh token is garbage or absent', async () => {
      const login = await http().post('/api/auth/login/').send({ username: 'alice', password: NEW_PASSWORD }).expect(200);
      const login2 = await http().post('/api/auth/login/').send({ username: 'alice', password: NEW_PASSWORD }).expect(200);
      remember(login.body.tokens.access, login.body.tokens.refresh, login2.body.tokens.access, login2.body.tokens.refresh);
      const garbage = await http().post('/api/auth/logout/').set(bearer(login.body.tokens.access)).send({ refresh: 'garbage' }).expect(200);
      expect(garbage.body.message).toMatch(/^Logout successful \(token may have already been invalidated\)$/);
      await http().post('/api/auth/logout/').set(bearer(login2.body.tokens.access)).send({}).expect(200);
      await http().post('/api/auth/logout/').send({}).expect(401);
    });
  });

  describe('bad input', () => {
    const body = { username: 'carol', email: 'carol@example.com', password: PASSWORD, password2: PASSWORD };

    it('names every missing field', async () => {
      const res = await http().post('/api/auth/register/').send({}).expect(400);
      expect(Object.keys(res.body).sort()).toEqual(['email', 'password', 'password2', 'username']);
      expect(res.body.email).toContain('This field is required.');
    });

    it('names fields of the wrong type, and unknown fields', async () => {
      const res = await http()
        .post('/api/auth/register/')
        .send({ ...body, username: 123, email: ['x'], extra: true })
        .expect(400);
      expect(Object.keys(res.body).sort()).toEqual(['email', 'extra', 'username']);
      await http().post('/api/auth/login/').send({ username: 'alice', password: 42 }).expect(400);
      await http().post('/api/auth/token/refresh/').send({}).expect(400);
    });

    it("rejects an invalid email and an invalid username with Django's messages", async () => {
      const res = await http()
        .post('/api/auth/register/')
        .send({ ...body, username: 'carol smith', email: 'not-an-email' })
        .expect(400);
      expect(res.body.email).toEqual(['Enter a valid email address.']);
      expect(res.body.username[0]).toMatch(/^Enter a valid username/);
    });

    it('rejects differing passwords with { password: ["Password fields didn\'t match."] }', async () => {
      const res = await http()
        .post('/api/auth/register/')
        .send({ ...body, password2: `${PASSWORD}x` })
        .expect(400);
      expect(res.body).toEqual({ password: ["Password fields didn't match."] });
    });

    it('rejects a weak password with every rule it breaks', async () => {
      const res = await http()
        .post('/api/auth/register/')
        .send({ ...body, password: '1234567', password2: '1234567' })
        .expect(400);
      expect(res.body.password).toEqual([
        'This password is too short. It must contain at least 8 characters.',
        'This password is entirely numeric.',
      ]);
      const common = await http()
        .post('/api/auth/register/')
        .send({ ...body, password: 'password123', password2: 'password123' })
        .expect(400);
      expect(common.body.password).toEqual(['This password is too common.']);
    });

    it('rejects a taken username with 400 naming username', async () => {
      const res = await http()
        .post('/api/auth/register/')
        .send({ ...body, username: 'alice' })
        .expect(400);
      expect(res.body).toEqual({ username: ['A user with that username already exists.'] });
    });

    it('answers 401 "Authentication required" for a missing, garbage, forged, expired or unsigned token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { token_type: 'access', user_id: 1, jti: 'a'.repeat(32) };
      const expired = new JwtService({ secret: JWT_SECRET }).sign(
        { ...claims, iat: now - 7200, exp: now - 3600 },
        { issuer: 'algoagent-api' },
      );
      const forged = new JwtService({ secret: 'another-secret-that-is-also-32-chars-long' }).sign(
        { ...claims, iat: now, exp: now + 3600 },
        { issuer: 'algoagent-api' },
      );
      const otherIssuer = new JwtService({ secret: JWT_SECRET }).sign({ ...claims, iat: now, exp: now + 3600 }, { issuer: 'someone-else' });
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: now + 3600, iss: 'algoagent-api' })}.`;
      const missing = await http().get('/api/auth/user/me/').expect(401);
      expect(missing.body).toEqual({ detail: 'Authentication credentials were not provided.' });
      for (const token of ['garbage', expired, forged, otherIssuer, unsigned]) {
        const res = await http().get('/api/auth/user/me/').set(bearer(token)).expect(401);
        expect(res.body).toEqual({
          detail: 'Given token not valid for any token type',
          code: 'token_not_valid',
          messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid or expired' }],
        });
      }
      await http().post('/api/auth/token/refresh/').send({ refresh: 'garbage' }).expect(401);
    });
  });

  describe('brute force', () => {
    const login = (username: string, password: string, from: string) =>
      http().post('/api/auth/login/').set('X-Forwarded-For', from).send({ username, password });

    it(`answers 429 with Retry-After once a username has failed ${MAX_ATTEMPTS} times from one address, even for the right password`, async () => {
      const dave = await register(t.app, 'dave');
      remember(dave.access, dave.refresh);
      for (let i = 0; i < MAX_ATTEMPTS; i++) await login('dave', `wrong-${i}-password`, '203.0.113.1').expect(401);
      const res = await login('dave', PASSWORD, '203.0.113.1').expect(429);
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(res.body).toEqual({
        error: 'Too many failed login attempts',
        details: { reason: 'username_and_address', limit: MAX_ATTEMPTS, window_seconds: 900 },
        retry_after: retryAfter,
      });
      const elsewhere = await login('dave', PASSWORD, '203.0.113.2').expect(200);
      remember(elsewhere.body.tokens.access, elsewhere.body.tokens.refresh);
    });

    it("clears a username's failures on a successful login", async () => {
      const erin = await register(t.app, 'erin');
      remember(erin.access, erin.refresh);
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < MAX_ATTEMPTS - 1; i++) await login('erin', 'wrong-password', '203.0.113.3').expect(401);
        const ok = await login('erin', PASSWORD, '203.0.113.3').expect(200);
        remember(ok.body.tokens.access, ok.body.tokens.refresh);
      }
    });

    it(`limits one client address to ${4 * MAX_ATTEMPTS} failures whatever the usernames`, async () => {
      for (let i = 0; i < 4 * MAX_ATTEMPTS; i++) await login(`spray-${i}`, 'wrong-password', '198.51.100.7').expect(401);
      const res = await login('alice', NEW_PASSWORD, '198.51.100.7').expect(429);
      expect(res.body.details.reason).toBe('client_address');
      await login('alice', NEW_PASSWORD, '198.51.100.8')
        .expect(200)
        .then((r) => remember(r.body.tokens.access, r.body.tokens.refresh));
    });
  });

  it('never logs a password or a token', () => {
    expect(secrets.size).toBeGreaterThan(20); // ran last, after every test above
    expect(t.logs.lines.length).toBeGreaterThan(50);
    for (const secret of secrets) expect(t.logs.text).not.toContain(secret);
    expect(t.logs.text).not.toContain('$argon2id$');
    expect(t.logs.text).not.toContain(JWT_SECRET);
  });
});
