/**
 * Builds the sandbox entry (child.ts, or child.js in dist/) and everything it imports into ONE CommonJS file,
 * so the bot process can be given read access to exactly that file. Built once per server process, into a
 * private folder of that process (mkdtemp: mode 0700, unique name) under the OS temp folder, so another
 * instance or user on the machine can neither read nor swap the file the sandbox trusts. Removed at exit.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { build } from 'esbuild';

let built: Promise<string> | null = null;

export function sandboxBundlePath(): Promise<string> {
  built ??= buildBundle().catch((error) => {
    built = null;
    throw error;
  });
  return built;
}

async function buildBundle(): Promise<string> {
  const entry = join(__dirname, `child${extname(__filename)}`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    minify: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const dir = mkdtempSync(join(tmpdir(), 'algoagent-sandbox-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, `bot-sandbox-${hash}.cjs`);
  writeFileSync(file, code, { mode: 0o444, flag: 'wx' });
  return file;
}
