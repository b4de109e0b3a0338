import { FakeClock } from '../common/clock';
import { loadAppConfig } from '../config/app-config';
import { SecretScrubber } from '../logging/secret-scrubber';
import { SecretProvider, SecretStoreError } from './secret-provider';
import { SecretsService } from './secrets.service';

/** A provider whose answers the test scripts: a map, or an error. */
class ScriptedProvider extends SecretProvider {
  readonly type = 'vault' as const;
  next: Map<string, string> | Error = new Map();
  async fetch(): Promise<Map<string, string>> {
    if (this.next instanceof Error) throw this.next;
    return this.next;
  }
}

describe(SecretsService.name, () => {
  let provider: ScriptedProvider;
  let scrubber: SecretScrubber;
  let sut: SecretsService;
  let clock: FakeClock;

  beforeEach(() => {
    provider = new ScriptedProvider();
    scrubber = new SecretScrubber();
    clock = new FakeClock(0);
    sut = new SecretsService(provider, scrubber, loadAppConfig({}), clock);
  });

  it('dates fetches and ages the set in use by the injected clock when no time is passed', async () => {
    provider.next = new Map([['k1', 'secret-value-one']]);
    clock.set(5_000);
    await sut.refresh(['k1']);
    expect(sut.status()).toMatchObject({ lastSuccessAt: 5_000, lastAttemptAt: 5_000, ageMs: 0 });
    clock.advance(90_000);
    expect(sut.status().ageMs).toBe(90_000);
  });

  it('uses what the store returned and teaches the scrubber every value', async () => {
    provider.next = new Map([['k1', 'secret-value-one']]);
    expect(await sut.refresh(['k1'], 1000)).toBe(true);
    expect(sut.current().get('k1')).toBe('secret-value-one');
    expect(scrubber.scrub('leak secret-value-one here')).toBe('leak [REDACTED] here');
    expect(sut.status(1500)).toMatchObject({ store: 'vault', lastSuccessAt: 1000, ageMs: 500, stale: false, keyCount: 1, lastError: null });
  });

  it('keeps the last good set when a refresh fails, and reports the error and its age', async () => {
    provider.next = new Map([['k1', 'secret-value-one']]);
    await sut.refresh(['k1'], 1000);
    provider.next = new SecretStoreError('vault', 'sealed', 'Vault is sealed: unseal it');
    expect(await sut.refresh(['k1'], 61_000)).toBe(false);
    expect(sut.current().get('k1')).toBe('secret-value-one');
    expect(sut.status(61_000)).toMatchObject({
      stale: true,
      ageMs: 60_000,
      lastError: 'vault: Vault is sealed: unseal it',
      lastAttemptAt: 61_000,
    });
  });

  it('starts empty and stale when the very first fetch fails', async () => {
    provider.next = new SecretStoreError('vault', 'unreachable', 'cannot reach vault.example:8200');
    expect(await sut.refresh([], 5)).toBe(false);
    expect(sut.current().size).toBe(0);
    expect(sut.status(10)).toMatchObject({ lastSuccessAt: null, ageMs: null, stale: true });
  });

  it('scrubs a known secret out of an unexpected error message', async () => {
    provider.next = new Map([['k1', 'secret-value-one']]);
    await sut.refresh(['k1'], 1);
    provider.next = new Error('boom while holding secret-value-one');
    await sut.refresh(['k1'], 2);
    expect(sut.status(3).lastError).toBe('vault: unexpected error: boom while holding [REDACTED]');
  });

  it('picks up removed and rotated keys on the next good fetch', async () => {
    provider.next = new Map([
      ['k1', 'secret-value-one'],
      ['k2', 'secret-value-two'],
    ]);
    await sut.refresh(['k1', 'k2'], 1);
    provider.next = new Map([['k1', 'secret-value-one-rotated']]);
    await sut.refresh(['k1', 'k2'], 2);
    expect(Object.fromEntries(sut.current())).toEqual({ k1: 'secret-value-one-rotated' });
  });
});
