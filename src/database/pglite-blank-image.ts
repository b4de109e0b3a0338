import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/**
 * Run in the child: initdb inside PGlite, then the cluster's files as a tarball on stdout. Plain JS on
 * purpose (`node -e`), so it runs the same from `src` under a test runner and from `dist` in production.
 */
const CHILD = `
(async () => {
  const { PGlite } = await import(process.env.PGLITE_ENTRY);
  const db = await PGlite.create({ postgresqlconf: JSON.parse(process.env.PGLITE_CONF) });
  const image = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
  await db.close();
  process.stdout.write(image);
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

/**
 * The files of a freshly initialised embedded cluster, made in a short-lived child process. initdb grows
 * PGlite's WebAssembly memory to ~0.5 GB and the process never gives it back; in a child that memory ends
 * with it, and the service loads the (~40 MB) image into a PGlite that never ran initdb: ~100 MB less
 * resident for the life of the process. Rejects if the child cannot run or fails; the caller falls back.
 */
export function blankClusterImage(postgresqlConf: string[]): Promise<Blob> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD], {
      env: {
        ...process.env,
        PGLITE_ENTRY: pathToFileURL(require.resolve('@electric-sql/pglite')).href,
        PGLITE_CONF: JSON.stringify(postgresqlConf),
        NODE_OPTIONS: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0 && out.length > 0) resolve(new Blob(out));
      else reject(new Error(`initdb child exited with ${code}: ${err.slice(-500)}`));
    });
  });
}
