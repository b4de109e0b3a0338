// Compiles src/ to dist/ with tsc and copies the files the service reads at run time (SQL migrations, the
// admin page). Plain tsc instead of the Nest CLI: the CLI's current schematics need Node 22, the project runs on 20.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const assets = ['database/migrations', 'admin-ui/public'];

rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const dir of assets) cpSync(join(root, 'src', dir), join(root, 'dist', dir), { recursive: true });
