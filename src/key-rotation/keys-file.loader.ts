import { readFileSync } from 'node:fs';
import { KeysConfig, parseKeysFile, synthesizeKeysConfig } from './core/keys-file';

export interface LoadedKeysFile {
  /** null when the file does not exist: keys then come from the secret store alone. */
  config: KeysConfig | null;
  warnings: string[];
}

/** Reads and validates keys.json. A missing file is fine; a broken one throws `KeysFileError` / a JSON error naming the file. */
export function readKeysFile(path: string): LoadedKeysFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { config: null, warnings: [] };
    throw new Error(`Cannot read keys file ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`Keys file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseKeysFile(json);
}

/** Metadata for the keys: the file's, or synthesised for every id the secret store offered. */
export function keysConfigFor(file: LoadedKeysFile, secretIds: string[], defaultModel: string): KeysConfig {
  return file.config ?? synthesizeKeysConfig([...secretIds].sort(), defaultModel);
}
