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
  const t = await createGeminiTestApp(keys, { store: 'memory', env: { AI_USER_RPM: '0', AI_USER_RPD: '0', ...db.env, ...env } });
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
