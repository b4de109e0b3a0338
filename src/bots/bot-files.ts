/** Generated bots also live as `<file_name>.js` in BOTS_DIR (the database row is the source of truth). */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

@Injectable()
export class BotFiles {
  private readonly dir: string;

  constructor(config: AppConfig) {
    this.dir = resolve(config.bots.dir);
  }

  pathOf(fileName: string): string {
    return join(this.dir, `${fileName}.js`);
  }

  exists(fileName: string): boolean {
    return existsSync(this.pathOf(fileName));
  }

  /** Writes atomically (temp file + rename), so a reader never sees half a bot. */
  write(fileName: string, code: string): string {
    mkdirSync(this.dir, { recursive: true });
    const target = this.pathOf(fileName);
    const partial = `${target}.${process.pid}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, target);
    return target;
  }
}
