/**
 * The baseline gateway for the overload bench: cycles keys in order and, on any error, tries the next key
 * until each was tried once. Counts failures per key; knows nothing about quotas, projects or Retry-After.
 */
import { directGenerate, sdkErrorStatus } from './direct-sdk';

export interface NaiveKey {
  id: string;
  secret: string;
}

export class NaiveRoundRobin {
  readonly failures = new Map<string, number>();
  private cursor = 0;

  constructor(
    private readonly keys: NaiveKey[],
    private readonly baseUrl: string,
    private readonly model: string,
  ) {}

  /** The HTTP status a user would see: 200, or the last upstream status once every key failed. */
  async generate(prompt: string): Promise<number> {
    let last = 502;
    for (let attempt = 0; attempt < this.keys.length; attempt++) {
      const key = this.keys[this.cursor++ % this.keys.length];
      try {
        await directGenerate(key.secret, this.baseUrl, this.model, prompt);
        return 200;
      } catch (e) {
        this.failures.set(key.id, (this.failures.get(key.id) ?? 0) + 1);
        last = sdkErrorStatus(e) || 502;
      }
    }
    return last;
  }
}
