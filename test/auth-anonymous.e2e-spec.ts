import { Controller, Get } from '@nestjs/common';
import request from 'supertest';
import { AuthUser, CurrentUser } from '../src/auth/current-user.decorator';
import { Authenticated } from '../src/auth/jwt-auth.guard';
import { KeyStateRepository } from '../src/key-rotation/key-state.repository';
import { StateStore } from '../src/state-store/state-store';
import { createTestApp, TestApp } from './support/app';
import { bearer, JWT_SECRET, register } from './support/auth';
import { createGeminiTestApp, GeminiTestApp } from './support/gemini-app';

/** A test-only endpoint behind the default `@Authenticated()` (anonymous allowed when configured). */
@Controller('test-whoami')
class WhoAmIController {
  @Get()
  @Authenticated()
  whoami(@CurrentUser() user: AuthUser): Pick<AuthUser, 'id' | 'username' | 'isStaff'> {
    return { id: user.id, username: user.username, isStaff: user.isStaff };
  }
}

describe('ALLOW_ANONYMOUS=true', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ JWT_SECRET, ALLOW_ANONYMOUS: 'true' }, { controllers: [WhoAmIController] });
  });
  afterAll(() => t.close());

  it('maps a request without a token to the anonymous user', async () => {
    const res = await request(t.app.getHttpServer()).get('/test-whoami').expect(200);
    expect(res.body).toEqual({ id: null, username: 'anonymous', isStaff: false });
  });

  it('still identifies a caller with a valid token, and still refuses an invalid one', async () => {
    const zoe = await register(t.app, 'zoe');
    const res = await request(t.app.getHttpServer()).get('/test-whoami').set(bearer(zoe.access)).expect(200);
    expect(res.body).toEqual({ id: zoe.id, username: 'zoe', isStaff: false });
    await request(t.app.getHttpServer()).get('/test-whoami').set(bearer('garbage')).expect(401);
  });

  it('keeps the account endpoints for signed-in users only', async () => {
    await request(t.app.getHttpServer()).get('/api/auth/user/me/').expect(401);
    await request(t.app.getHttpServer()).get('/api/auth/profiles/me/').expect(401);
  });

  it('documents every auth endpoint in Swagger, with bearer security where a token is needed', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/docs-json').expect(200)).body;
    const op = (path: string, method: string) => doc.paths[path]?.[method];
    const open = [
      ['/api/auth/register', 'post'],
      ['/api/auth/login', 'post'],
      ['/api/auth/token/refresh', 'post'],
    ];
    const guarded = [
      ['/api/auth/logout', 'post'],
      ['/api/auth/user/me', 'get'],
      ['/api/auth/change-password', 'post'],
      ['/api/auth/health', 'get'],
      ['/api/auth/profiles', 'get'],
      ['/api/auth/profiles/me', 'get'],
      ['/api/auth/profiles/update_me', 'patch'],
      ['/api/auth/profiles/{id}', 'get'],
    ];
    for (const [path, method] of [...open, ...guarded]) expect(op(path, method)?.summary).toEqual(expect.any(String));
    for (const [path, method] of open) expect(op(path, method).security).toBeUndefined();
    for (const [path, method] of guarded) expect(op(path, method).security).toEqual([{ bearer: [] }]);
    expect(doc.components.schemas.RegisterDto.properties.password2.example).toBe('Tr4ding-Ideas!2026');
  });

  it('warns at boot that anonymous access is on', () => {
    expect(t.logs.text).toContain('ALLOW_ANONYMOUS=true');
  });
});

describe('without JWT_SECRET (development)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { controllers: [WhoAmIController] });
  });
  afterAll(() => t.close());

  it('warns that tokens will not survive a restart, and refuses anonymous calls', async () => {
    const warning = t.logs.json().find((l) => String(l.msg).startsWith('JWT_SECRET is not set'));
    expect(warning).toMatchObject({ level: 40, context: 'Auth' });
    expect(warning!.msg).toContain('will not survive a restart');
    const res = await request(t.app.getHttpServer()).get('/test-whoami').expect(401);
    expect(res.body).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('signs and accepts tokens with the generated secret', async () => {
    const yan = await register(t.app, 'yan');
    await request(t.app.getHttpServer()).get('/test-whoami').set(bearer(yan.access)).expect(200);
  });
});

describe('key stickiness of the AI playground', () => {
  let t: GeminiTestApp;
  beforeAll(async () => {
    t = await createGeminiTestApp(
      [
        { id: 'a', project: 'p1' },
        { id: 'b', project: 'p2' },
      ],
      { store: 'memory', env: { JWT_SECRET } },
    );
  });
  afterAll(() => t.shutdown());

  it('pins a signed-in user as user:<id>, and refuses a garbage token with 401 instead of serving it anonymously', async () => {
    const store = t.app.get(StateStore);
    const keyState = t.app.get(KeyStateRepository);
    const vic = await register(t.app, 'vic');
    const signedIn = await request(t.app.getHttpServer())
      .post('/api/ai/generate')
      .set(bearer(vic.access))
      .send({ prompt: 'hi' })
      .expect(200);
    expect(await keyState.pinOf(`user:${vic.id}`, t.clock.now())).toBe(signedIn.body.key_id);
    await request(t.app.getHttpServer()).post('/api/ai/generate/stream').set(bearer(vic.access)).send({ prompt: 'hi' }).expect(200);
    expect(await keyState.pinOf(`user:${vic.id}`, t.clock.now())).toBe(signedIn.body.key_id);

    await request(t.app.getHttpServer())
      .post('/api/ai/generate')
      .set(bearer('garbage'))
      .set('X-Forwarded-For', '192.0.2.9')
      .send({ prompt: 'hi' })
      .expect(401);
    await request(t.app.getHttpServer()).post('/api/ai/generate/stream').send({ prompt: 'hi' }).expect(401);
    const pins = await store.hashGetAll(`kr:key:a:pins`).then(async (a) => ({ ...a, ...(await store.hashGetAll('kr:key:b:pins')) }));
    expect(Object.keys(pins)).toEqual([`user:${vic.id}`]);
    const upstream = Object.values(t.fake.stats()).reduce((n, k) => n + k.requests, 0);
    expect(upstream).toBe(2);
  });
});

describe('key stickiness of anonymous callers on the bot paths (demo mode)', () => {
  let t: GeminiTestApp;
  beforeAll(async () => {
    t = await createGeminiTestApp([{ id: 'a', project: 'p1', rpm: 100 }], {
      store: 'memory',
      env: { JWT_SECRET, ALLOW_ANONYMOUS: 'true', AI_USER_RPM: '0', AI_USER_RPD: '0' },
    });
  });
  afterAll(() => t.shutdown());

  it('pins each client address on its own (no single shared "anonymous" pin)', async () => {
    for (const address of ['192.0.2.1', '192.0.2.2']) {
      await request(t.app.getHttpServer())
        .post('/api/strategies/api/generate_code/')
        .set('X-Forwarded-For', address)
        .send({ strategy_description: 'Buy when RSI(14) is below 30, sell above 70.' })
        .expect(200);
    }
    const pinned = Object.keys(await t.app.get(StateStore).hashGetAll('kr:key:a:pins'));
    expect(pinned).toHaveLength(2);
    expect(pinned.every((id) => /^anonymous:[0-9a-f]{16}$/.test(id))).toBe(true);
  });
});
