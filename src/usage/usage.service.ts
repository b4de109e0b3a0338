import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { AppLogger } from '../logging/app-logger';
import { MetricsService } from '../metrics/metrics.service';
import { dayRange, daysBefore, monthStart, utcDay } from './usage-days';
import type { OwnUsageDto, UsageReportDto, UsageTotalsDto } from './usage.dto';
import { UsageEvent, UsageRepository } from './usage.repository';

export interface CallUsage {
  userKey: string;
  keyId: string;
  model: string;
  promptTokens: number;
  outputTokens: number;
}

const ZERO: UsageTotalsDto = { requests: 0, prompt_tokens: 0, output_tokens: 0 };

/** Calls are gathered for this long (or this many rows) and written as one upsert per user, key, model and day. */
const WRITE_EVERY_MS = 1000;
const MAX_BUFFERED_ROWS = 500;

/**
 * Usage accounting: every successful Gemini call adds one request and its tokens to the user's, key's and
 * model's row of the day (durable, in the database) and to `gemini_tokens_total`. Writing never delays or
 * fails the call itself: calls are summed in memory and written within a second (one upsert per row, not per
 * call), a failed write is logged, and what is pending is written on shutdown. Reports write it first.
 */
@Injectable()
export class UsageService implements OnApplicationShutdown {
  private readonly logger = new AppLogger('Usage');
  private readonly pending = new Set<Promise<void>>();
  private readonly buffered = new Map<string, UsageEvent>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repository: UsageRepository,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  record(call: CallUsage): void {
    this.metrics.geminiTokens.inc({ key_id: call.keyId, model: call.model, kind: 'prompt' }, call.promptTokens);
    this.metrics.geminiTokens.inc({ key_id: call.keyId, model: call.model, kind: 'output' }, call.outputTokens);
    const day = utcDay(this.clock.now());
    const key = [day, call.userKey, call.keyId, call.model].join('\u0000');
    const row = this.buffered.get(key);
    if (row) {
      row.requests += 1;
      row.promptTokens += call.promptTokens;
      row.outputTokens += call.outputTokens;
    } else {
      this.buffered.set(key, { day, ...call, requests: 1 });
    }
    if (this.buffered.size >= MAX_BUFFERED_ROWS) this.writeBuffered();
    else this.timer ??= setTimeout(() => this.writeBuffered(), WRITE_EVERY_MS).unref();
  }

  /** Starts the upserts of what was gathered so far. */
  private writeBuffered(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = [...this.buffered.values()];
    this.buffered.clear();
    for (const row of rows) {
      const write = this.repository
        .add(row)
        .catch((e: unknown) => this.logger.warn(`usage not recorded for key ${row.keyId}: ${(e as Error).message}`))
        .finally(() => this.pending.delete(write));
      this.pending.add(write);
    }
  }

  /** Writes what was gathered and resolves once every write has landed (reports, shutdown). */
  async flush(): Promise<void> {
    this.writeBuffered();
    await Promise.all([...this.pending]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** Admin view: the last `days` UTC days, totals and by day, key, model and user. */
  async report(days = 7): Promise<UsageReportDto> {
    await this.flush();
    const to = utcDay(this.clock.now());
    const from = daysBefore(to, days - 1);
    const [[totals], byDay, byKey, byModel, byUser] = await Promise.all([
      this.repository.sum(from, to, null),
      this.repository.sum(from, to, 'day'),
      this.repository.sum(from, to, 'key_id'),
      this.repository.sum(from, to, 'model'),
      this.repository.sum(from, to, 'user_key'),
    ]);
    const perDay = new Map(byDay.map(({ group, ...t }) => [group, t]));
    return {
      from,
      to,
      totals: strip(totals),
      by_day: dayRange(from, to).map((day) => ({ day, ...(perDay.get(day) ?? ZERO) })),
      by_key: byKey.map(({ group, ...t }) => ({ key_id: String(group), ...t })),
      by_model: byModel.map(({ group, ...t }) => ({ model: String(group), ...t })),
      by_user: byUser
        .map(({ group, ...t }) => ({ user: String(group), ...t }))
        .sort((a, b) => b.requests - a.requests)
        .slice(0, 100),
    };
  }

  /** One user's own calls and tokens today and this month, with the limits that apply to them. */
  async own(userKey: string): Promise<OwnUsageDto> {
    await this.flush();
    const today = utcDay(this.clock.now());
    const month = monthStart(today);
    const [[day], [sofar]] = await Promise.all([
      this.repository.sum(today, today, null, userKey),
      this.repository.sum(month, today, null, userKey),
    ]);
    return {
      today: { from: today, to: today, ...strip(day) },
      month: { from: month, to: today, ...strip(sofar) },
      limits: { prompt_max_chars: this.config.gemini.promptMaxChars, requests_per_day: null, tokens_per_day: null },
    };
  }
}

function strip(row: (UsageTotalsDto & { group: string | null }) | undefined): UsageTotalsDto {
  return row ? { requests: row.requests, prompt_tokens: row.prompt_tokens, output_tokens: row.output_tokens } : { ...ZERO };
}
