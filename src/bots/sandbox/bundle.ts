/**
 * Builds the sandbox entry (child.ts, or child.js in dist/) and everything it imports into ONE CommonJS file,
 * so the bot process can be given read access to exactly that file. Built once per server process, into the
 * OS temp folder under a content hash (concurrent servers write the same bytes; a rename makes it atomic).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
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
  const dir = join(tmpdir(), 'algoagent-sandbox');
  const file = join(dir, `bot-sandbox-${hash}.cjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(partial, code, { mode: 0o444 });
    renameSync(partial, file);
  }
  return file;
}
