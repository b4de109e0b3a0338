import { EnvSecretProvider } from './env.provider';

describe(EnvSecretProvider.name, () => {
  const keys = { perKey: { flash_01: 'secret-flash-01', pro_01: 'secret-pro-01' }, list: ['list-a', 'list-b'], single: 'single-key' };

  it('finds GEMINI_KEY_<key_id> for each requested id', async () => {
    const found = await new EnvSecretProvider({ ...keys, list: [], single: null }).fetch(['flash_01', 'pro_01']);
    expect(Object.fromEntries(found)).toEqual({ flash_01: 'secret-flash-01', pro_01: 'secret-pro-01' });
  });

  it('also tries "-" in a key id as "_" (shells do not allow "-" in names)', async () => {
    const found = await new EnvSecretProvider({ perKey: { flash_02: 'v' }, list: [], single: null }).fetch(['flash-02']);
    expect(found.get('flash-02')).toBe('v');
    expect(found.has('flash_02')).toBe(false);
  });

  it('names GEMINI_API_KEYS entries key_01, key_02… and a lone GEMINI_API_KEY "default"', async () => {
    const found = await new EnvSecretProvider({ perKey: {}, list: ['list-a', 'list-b'], single: 'single-key' }).fetch([]);
    expect(Object.fromEntries(found)).toEqual({ key_01: 'list-a', key_02: 'list-b', default: 'single-key' });
  });

  it('offers unrequested GEMINI_KEY_* entries too (for the no-keys.json case)', async () => {
    const found = await new EnvSecretProvider({ ...keys, list: [], single: null }).fetch([]);
    expect([...found.keys()].sort()).toEqual(['flash_01', 'pro_01']);
  });

  it('in single-key mode uses only GEMINI_API_KEY', async () => {
    const found = await new EnvSecretProvider(keys, true).fetch(['flash_01']);
    expect(Object.fromEntries(found)).toEqual({ default: 'single-key' });
  });
});
