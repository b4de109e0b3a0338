import { OpenedDatabase, register, Registered } from './auth';
import { createGeminiTestApp, GeminiTestApp, TestKey } from './gemini-app';

export interface TwoUsers {
  t: GeminiTestApp;
  alice: Registered;
  bob: Registered;
  close: () => Promise<void>;
}

/** The app on the fake Gemini (memory store) over one of `DATABASES`, with users alice and bob registered. */
export async function appWithTwoUsers(
  open: () => Promise<OpenedDatabase>,
  keys: TestKey[],
  env: Record<string, string> = {},
): Promise<TwoUsers> {
  const db = await open();
  // Feature suites make many AI calls as one user in seconds: the per-user limit (tested on its own) is off here.
  // They also flip is_staff in the database between two requests with the same token, which the authenticator's
  // cache would hold for AUTH_CACHE_TTL_MS: off here too (the cache is tested in token-revocation and auth-profiles).
  const base = { AI_USER_RPM: '0', AI_USER_RPD: '0', AUTH_CACHE_TTL_MS: '0' };
  const t = await createGeminiTestApp(keys, { store: 'memory', env: { ...base, ...db.env, ...env } });
  const alice = await register(t.app, 'alice');
  const bob = await register(t.app, 'bob');
  return {
    t,
    alice,
    bob,
    close: async () => {
      await t.shutdown();
      await db.drop();
    },
  };
}
