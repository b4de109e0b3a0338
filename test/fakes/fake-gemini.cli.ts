/**
 * Standalone fake Gemini server for demos and manual testing.
 *
 *   FAKE_GEMINI_PORT=8089 \
 *   FAKE_GEMINI_KEYS='key-a1@proj-a:10:250000:250,key-a2@proj-a,key-b1@proj-b:5::100' \
 *   npx tsx test/fakes/fake-gemini.cli.ts
 *
 * Environment:
 *   FAKE_GEMINI_PORT  port on 127.0.0.1 (default 8089; 0 = random).
 *   FAKE_GEMINI_KEYS  comma-separated key specs `key@project:rpm:tpm:rpd`.
 *                     - `key`     the API key value clients send (x-goog-api-key header or ?key=).
 *                     - `project` Google Cloud project; keys of one project share RPM/TPM/RPD per model.
 *                     - `rpm`, `tpm`, `rpd` optional limits; leave empty or omit for "unlimited"
 *                       (`k@p`, `k@p:10`, `k@p:10::250` are all valid). Within a project the smallest wins.
 *                     Without `@project` the key is its own project. Keys are numbered key_1, key_2, … in order.
 *                     Default when unset: one key `fake-key` in project `fake-project`, no limits.
 *
 * Point a client at it with `getGenerativeModel({ model }, { baseUrl: 'http://127.0.0.1:8089' })`.
 * The key values are never printed; the listing shows key ids, projects and limits only.
 */
import { FakeGemini } from './fake-gemini';
import type { FakeKeyOptions } from './fake-gemini';

function parseLimit(raw: string | undefined, field: string, spec: number): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`FAKE_GEMINI_KEYS entry #${spec}: ${field} must be a non-negative integer`);
  return n;
}

export function parseKeySpecs(value: string | undefined): FakeKeyOptions[] {
  if (!value || !value.trim()) return [{ key: 'fake-key', project: 'fake-project', id: 'key_1' }];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((spec, i) => {
      const n = i + 1;
      const at = spec.indexOf('@');
      const key = (at < 0 ? spec.split(':')[0] : spec.slice(0, at)).trim();
      const rest = at < 0 ? spec.split(':').slice(1) : spec.slice(at + 1).split(':');
      const project = at < 0 ? `project_${n}` : (rest.shift() ?? '').trim() || `project_${n}`;
      if (!key) throw new Error(`FAKE_GEMINI_KEYS entry #${n}: empty key`);
      return {
        key,
        project,
        id: `key_${n}`,
        rpm: parseLimit(rest[0], 'rpm', n),
        tpm: parseLimit(rest[1], 'tpm', n),
        rpd: parseLimit(rest[2], 'rpd', n),
      };
    });
}

async function main(): Promise<void> {
  const port = Number(process.env.FAKE_GEMINI_PORT ?? 8089);
  const keys = parseKeySpecs(process.env.FAKE_GEMINI_KEYS);
  const fake = new FakeGemini({ keys });
  const url = await fake.start(port);
  process.stdout.write(`fake Gemini listening on ${url}\n`);
  for (const k of keys) {
    const lim = (v: number | undefined): string => (v === undefined ? '∞' : String(v));
    process.stdout.write(`  ${k.id}  project=${k.project}  rpm=${lim(k.rpm)} tpm=${lim(k.tpm)} rpd=${lim(k.rpd)}\n`);
  }
  const shutdown = (): void => {
    void fake.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`fake Gemini failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
