import request from 'supertest';
import { createTestApp, TestApp } from '../support/app';
import { bearer, JWT_SECRET, PASSWORD, register } from '../support/auth';

const MAX = 5;

// The counters live in the state store, so one database is enough here (the outage case is in database-outage).
describe('login throttling counts only failed password checks, per username and address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ JWT_SECRET, AUTH_LOGIN_MAX_ATTEMPTS: String(MAX), TRUST_PROXY: 'loopback' });
  });
  afterAll(() => t.close());

  const login = (username: string, password: string, from: string) =>
    request(t.app.getHttpServer()).post('/api/auth/login/').set('X-Forwarded-For', from).send({ username, password });

  it('a third party failing from other addresses cannot lock the user out of login or change-password', async () => {
    await register(t.app, 'victim');
    const attackers = ['198.51.100.1', '198.51.100.2', '198.51.100.3'];
    for (const from of attackers) {
      for (let i = 0; i < MAX - 1; i++) await login('victim', `guess-${i}-wrong`, from).expect(401);
    }
    const ok = await login('victim', PASSWORD, '203.0.113.10').expect(200);
    await request(t.app.getHttpServer())
      .post('/api/auth/change-password/')
      .set('X-Forwarded-For', '203.0.113.10')
      .set(bearer(ok.body.tokens.access))
      .send({ current_password: PASSWORD, new_password: 'Another-Strong#Pass9' })
      .expect(200);
  });

  it(`refuses a username+address pair after ${MAX} failures (429 + Retry-After), while the same user elsewhere still signs in`, async () => {
    await register(t.app, 'paired');
    for (let i = 0; i < MAX; i++) await login('paired', `wrong-${i}`, '198.51.100.20').expect(401);
    const refused = await login('paired', PASSWORD, '198.51.100.20').expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.details).toEqual({ reason: 'username_and_address', limit: MAX, window_seconds: 900 });
    await login('paired', PASSWORD, '203.0.113.20').expect(200);
  });

  it('refused attempts are not counted: the limit holds at its value instead of growing', async () => {
    await register(t.app, 'steady');
    for (let i = 0; i < MAX; i++) await login('steady', `wrong-${i}`, '198.51.100.30').expect(401);
    for (let i = 0; i < 3; i++) await login('steady', 'wrong', '198.51.100.30').expect(429);
    // The address has MAX failures (not MAX + 3): it can still fail 3 × MAX more times on other usernames.
    for (let i = 0; i < 3 * MAX - 1; i++) await login(`nobody-${i}`, 'wrong', '198.51.100.30').expect(401);
    const res = await login('nobody-last', 'wrong', '198.51.100.30').expect(401);
    expect(res.body.error).toBe('Invalid credentials');
    const spray = await login('nobody-more', 'wrong', '198.51.100.30').expect(429);
    expect(spray.body.details.reason).toBe('client_address');
  });

  it(`keeps a per-address limit of ${4 * MAX} failures whatever the usernames (password spraying)`, async () => {
    for (let i = 0; i < 4 * MAX; i++) await login(`spray-${i}`, 'wrong-password', '198.51.100.40').expect(401);
    const res = await login('victim', 'Another-Strong#Pass9', '198.51.100.40').expect(429);
    expect(res.body.details.reason).toBe('client_address');
    await login('victim', 'Another-Strong#Pass9', '198.51.100.41').expect(200);
  });

  it('a successful login starts the pair over', async () => {
    await register(t.app, 'again');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < MAX - 1; i++) await login('again', 'wrong-password', '198.51.100.50').expect(401);
      await login('again', PASSWORD, '198.51.100.50').expect(200);
    }
  });
});
