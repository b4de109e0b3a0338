import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { freshPostgresSchema } from './services';

/** The signing secret the auth tests boot with (so a test can mint expired or forged tokens). */
export const JWT_SECRET = 'e2e-jwt-secret-long-enough-0123456789abcdef';
export const PASSWORD = 'Tr4ding-Ideas!2026';

export interface OpenedDatabase {
  env: Record<string, string>;
  drop: () => Promise<void>;
}

/** Both databases the service runs on, for `describe.each`: a fresh PostgreSQL schema, and PGlite in memory. */
export const DATABASES: Array<[name: string, open: () => Promise<OpenedDatabase>]> = [
  [
    'PostgreSQL',
    async () => {
      const pg = await freshPostgresSchema();
      return { env: { DATABASE_URL: pg.url, DATABASE_SCHEMA: pg.schema }, drop: pg.drop };
    },
  ],
  ['PGlite', async () => ({ env: { DATABASE_URL: 'pglite://memory' }, drop: async () => undefined })],
];

export interface Registered {
  id: number;
  username: string;
  password: string;
  access: string;
  refresh: string;
}

/** Registers `username` (201 expected) and returns its id and tokens. */
export async function register(app: NestExpressApplication, username: string, password = PASSWORD): Promise<Registered> {
  const res = await request(app.getHttpServer())
    .post('/api/auth/register/')
    .send({ username, email: `${username}@example.com`, password, password2: password })
    .expect(201);
  return { id: res.body.user.id, username, password, access: res.body.tokens.access, refresh: res.body.tokens.refresh };
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}
