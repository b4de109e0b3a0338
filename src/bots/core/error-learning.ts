/**
 * The error-learning system (pure part): how an error is reduced to a signature, how a fix is summarised,
 * and which past fix is most relevant to a new error. Storage is in BotsRepository.
 */
export interface LearnedFix {
  errorType: string;
  signature: string;
  errorMessage: string;
  fixExcerpt: string;
  timesSeen: number;
}

/** The error with its incidental parts (numbers, line positions, quoted values) removed. */
export function errorSignature(message: string): string {
  return message
    .toLowerCase()
    .replace(/\(bot\.js line \d+\)/g, '')
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, "'…'")
    .replace(/\d+(\.\d+)?/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

function words(text: string): Set<string> {
  return new Set(text.split(/[^a-z_#…]+/).filter((w) => w.length > 1));
}

/** Jaccard similarity of the signatures' words, 0..1. */
export function similarity(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared += 1;
  return shared / (x.size + y.size - shared);
}

/** The past fix of the same error type whose signature is closest (at least 0.3 similar), or null. */
export function mostRelevantFix(candidates: readonly LearnedFix[], errorType: string, message: string): LearnedFix | null {
  const signature = errorSignature(message);
  let best: LearnedFix | null = null;
  let bestScore = 0.3;
  for (const fix of candidates) {
    if (fix.errorType !== errorType) continue;
    const score = similarity(signature, fix.signature) + Math.min(fix.timesSeen, 10) * 0.001;
    if (score >= bestScore) {
      best = fix;
      bestScore = score;
    }
  }
  return best;
}

/**
 * A short line diff of a fix: lines that left the code ('- ') and lines that came in ('+ '), compared as
 * trimmed multisets (order-insensitive, which is enough to show what changed). At most 40 lines / 3 KB.
 */
export function fixExcerpt(before: string, after: string): string {
  const count = (text: string) => {
    const m = new Map<string, number>();
    for (const line of text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean))
      m.set(line, (m.get(line) ?? 0) + 1);
    return m;
  };
  const old = count(before);
  const neu = count(after);
  const out: string[] = [];
  for (const [line, n] of old) for (let i = neu.get(line) ?? 0; i < n; i++) out.push(`- ${line}`);
  for (const [line, n] of neu) for (let i = old.get(line) ?? 0; i < n; i++) out.push(`+ ${line}`);
  return out.slice(0, 40).join('\n').slice(0, 3000);
}
