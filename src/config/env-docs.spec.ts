import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { SECRET_ENV_VARIABLES } from './app-config';
import { EnvironmentVariables } from './env.schema';

const ROOT = join(__dirname, '..', '..');

/** Every variable the schema validates (the one definition of the configuration), plus the named key secrets. */
function schemaVariables(): string[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false);
  return [...new Set([...metas.map((m) => m.propertyName), ...SECRET_ENV_VARIABLES])].sort();
}

/** Every `NAME=` in `.env.example`, commented out or not. */
function envExampleVariables(): string[] {
  const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
  return [...new Set([...text.matchAll(/\b([A-Z][A-Z0-9_]+)=/g)].map((m) => m[1]))].sort();
}

/** Every backticked name in the first column of the README's configuration table. */
function readmeVariables(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Configuration');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const firstCell = line.split('|')[1];
    for (const m of firstCell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(m[1]);
  }
  return [...names].sort();
}

describe('configuration docs', () => {
  it('reads at least the core variables from the schema', () => {
    expect(schemaVariables()).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET']));
  });

  it('.env.example lists exactly the schema variables', () => {
    expect(envExampleVariables()).toEqual(schemaVariables());
  });

  it("the README's configuration table lists exactly the schema variables", () => {
    expect(readmeVariables()).toEqual(schemaVariables());
  });
});
