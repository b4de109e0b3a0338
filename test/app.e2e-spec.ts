import { Body, Controller, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import request from 'supertest';
import { Test } from '@nestjs/testing';
import { AppModule } from '../src/app.module';
import { ConfigValidationError } from '../src/config/app-config';
import { Database } from '../src/database/database.module';
import { StateStore } from '../src/state-store/state-store';
import { createTestApp, TestApp } from './support/app';
import { freshPostgresSchema, freshRedisPrefix } from './support/services';

class InnerDto {
  @IsInt() @Min(1) count!: number;
}
class EchoDto {
  @IsString() @MaxLength(10) name!: string;
  @ValidateNested() @Type(() => InnerDto) inner!: InnerDto;
}
/** A test-only endpoint, to exercise the global pipe, the body cap and the error filter. */
@Controller('test-echo')
class EchoController {
  @Post()
  echo(@Body() body: EchoDto): EchoDto {
    return body;
  }

  @Post('boom')
  boom(): never {
    throw new Error('internal detail at /srv/app/secret/path.ts:12');
  }
}

describe('the app with embedded defaults (PGlite in memory, memory store)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT: '2kb' }, { controllers: [EchoController] });
  });
  afterAll(() => t.close());

  it('is live', async () => {
    const res = await request(t.app.getHttpServer()).get('/health/live').expect(200);
    expect(res.body.status).toBe('ok');
  });

  it('is ready, and says the state store is single-replica memory', async () => {
    const res = await request(t.app.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body.details.database).toMatchObject({ status: 'up', kind: 'pglite' });
    expect(res.body.details.state_store).toMatchObject({ status: 'up', kind: 'memory' });
  });

  it('serves Swagger UI at /docs and the OpenAPI JSON at /docs-json with a bearer scheme', async () => {
    const ui = await request(t.app.getHttpServer()).get('/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
    const doc = await request(t.app.getHttpServer()).get('/docs-json').expect(200);
    expect(doc.body.info.title).toBe('AlgoAgent API');
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    expect(doc.body.components.schemas.HealthReportDto.properties.status.example).toBe('ok');
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/nothing-here').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ error: 'Not found', details: 'No route for GET /api/nothing-here' });
  });

  it('rejects malformed JSON with 400 and says so', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/test-echo')
      .set('Content-Type', 'application/json')
      .send('{"name": "x",')
      .expect(400);
    expect(res.body.error).toBe('Request body is not valid JSON');
    expect(typeof res.body.details).toBe('string');
  });

  it('rejects a body over the size cap with 413 and the limit', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/test-echo')
      .send({ name: 'x', pad: 'y'.repeat(4096) })
      .expect(413);
    expect(res.body).toEqual({ error: 'Request body is too large', details: { limit_bytes: 2048 } });
  });

  it('names each invalid field, including nested ones, and rejects unknown fields', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/test-echo')
      .send({ name: 'far too long a name', inner: { count: 0 }, extra: true })
      .expect(400);
    expect(res.body.error).toMatch(/^Invalid request: /);
    expect(Object.keys(res.body.details).sort()).toEqual(['extra', 'inner.count', 'name']);
    expect(res.body.details['inner.count'][0]).toMatch(/not be less than 1/);
    expect(res.body.details.extra[0]).toMatch(/should not exist/);
  });

  it('accepts a valid body and converts types', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/test-echo')
      .send({ name: 'ok', inner: { count: 2 } })
      .expect(201);
    expect(res.body).toEqual({ name: 'ok', inner: { count: 2 } });
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = await request(t.app.getHttpServer()).get('/health/live').set('X-Request-Id', 'abc-123').expect(200);
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await request(t.app.getHttpServer()).get('/health/live').set('X-Request-Id', 'bad id with spaces').expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs JSON with the request id, redacts credentials, drops query strings, and keeps probes out of info', async () => {
    await request(t.app.getHttpServer())
      .get('/api/logged?key=AIzaSECRETINQUERY')
      .set('Authorization', 'Bearer top-secret-token')
      .set('x-goog-api-key', 'AIzaSECRETHEADER')
      .set('x-vault-token', 'hvs.SECRETVAULT')
      .set('X-Request-Id', 'log-check-1');
    await request(t.app.getHttpServer()).get('/health/ready');
    const entries = t.logs.json();
    const line = entries.find((e) => e.req?.id === 'log-check-1');
    expect(line).toBeDefined();
    expect(line!.res.statusCode).toBe(404);
    expect(line!.req.url).toBe('/api/logged');
    expect(line!.req.headers.authorization).toBe('[REDACTED]');
    expect(t.logs.text).not.toMatch(/top-secret-token|AIzaSECRET|hvs\.SECRETVAULT/);
    expect(entries.filter((e) => e.req?.url === '/health/ready')).toHaveLength(0);
  });

  it('answers an unexpected error with a bare 500: no message, no stack; the log keeps the stack', async () => {
    const res = await request(t.app.getHttpServer()).post('/test-echo/boom').set('X-Request-Id', 'boom-1').expect(500);
    expect(res.body).toEqual({ error: 'Internal server error' });
    expect(res.text).not.toContain('secret/path');
    expect(t.logs.text).toContain('internal detail at /srv/app/secret/path.ts:12');
  });
});

describe('the app against the real PostgreSQL and Redis', () => {
  it('is ready with both, and closes both on shutdown', async () => {
    const pg = await freshPostgresSchema();
    const redis = await freshRedisPrefix();
    const t = await createTestApp({
      DATABASE_URL: pg.url,
      DATABASE_SCHEMA: pg.schema,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
    });
    const res = await request(t.app.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body.details.database).toMatchObject({ status: 'up', kind: 'postgres' });
    expect(res.body.details.state_store).toMatchObject({ status: 'up', kind: 'redis' });

    const db = t.app.get(Database).connection;
    const store = t.app.get(StateStore);
    await t.close();
    await expect(db.ping()).rejects.toThrow();
    await expect(store.ping()).rejects.toThrow(/State store unavailable/);
    await pg.drop();
    await redis.cleanup();
  });

  it('still boots when Redis is down and, failing open, serves degraded from local memory', async () => {
    const t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_COMMAND_TIMEOUT_MS: '200' });
    const res = await request(t.app.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body.status).toBe('degraded');
    expect(res.body.details.state_store).toMatchObject({ status: 'degraded', kind: 'redis' });
    await t.app.get(StateStore).set('works', 'locally');
    expect(await t.app.get(StateStore).get('works')).toBe('locally');
    await t.close();
  });

  it('with STATE_STORE_FAIL_MODE=closed, readiness names the state store with 503', async () => {
    const t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_COMMAND_TIMEOUT_MS: '200', STATE_STORE_FAIL_MODE: 'closed' });
    const res = await request(t.app.getHttpServer()).get('/health/ready').expect(503);
    expect(res.body.error).toBe('Not ready: state_store');
    expect(res.body.details.details.database.status).toBe('up');
    expect(res.body.details.error.state_store.status).toBe('down');
    expect(JSON.stringify(res.body)).not.toContain('127.0.0.1:1');
    await t.close();
  });
});

describe('boot with a bad environment', () => {
  it('stops before serving, naming every bad variable', async () => {
    const boot = Test.createTestingModule({
      imports: [AppModule.forRoot({ env: { PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'chatty' } })],
    }).compile();
    const error = await boot.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.map((p) => p.split(':')[0]).sort();
    expect(problems).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
  });
});
