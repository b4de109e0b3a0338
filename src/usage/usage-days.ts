/** UTC calendar days as `YYYY-MM-DD` (usage is accounted per UTC day). Pure. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The day `n` days before `day`. */
export function daysBefore(day: string, n: number): string {
  return utcDay(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000);
}

/** The first day of the month `day` is in. */
export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** Every day from `from` to `to` inclusive (both `YYYY-MM-DD`). */
export function dayRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += 86_400_000) out.push(utcDay(ms));
  return out;
}
