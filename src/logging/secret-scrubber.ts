import { Injectable } from '@nestjs/common';

/**
 * Remembers every secret value the service has loaded (API keys, tokens) and blanks them out of any text.
 * The logger runs each line through it, so a secret that slips into a message or an error never reaches
 * the log stream. Values shorter than 8 characters are ignored: they would match ordinary words.
 */
@Injectable()
export class SecretScrubber {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | null = null;

  add(...values: Array<string | undefined | null>): void {
    let changed = false;
    for (const v of values) {
      if (v && v.length >= 8 && !this.secrets.has(v)) {
        this.secrets.add(v);
        changed = true;
      }
    }
    if (changed) this.rebuild();
  }

  remove(value: string): void {
    if (this.secrets.delete(value)) this.rebuild();
  }

  get size(): number {
    return this.secrets.size;
  }

  scrub(text: string): string {
    return this.pattern ? text.replace(this.pattern, '[REDACTED]') : text;
  }

  private rebuild(): void {
    const escaped = [...this.secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.pattern = escaped.length ? new RegExp(escaped.join('|'), 'g') : null;
  }
}
