/**
 * `POST /api/strategies/validate/` and `validate-file/` (Django's views_validation): check a bot (or a canonical
 * JSON strategy, as its crossover bot) statically, then run it in the sandbox on `test_symbol` over the last
 * `test_period_days`. validate-file reads only files inside BOTS_DIR (no `..`, no absolute paths, no symlink out).
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Injectable } from '@nestjs/common';
import { staticCheck } from '../../bots/core/static-check';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../../common/clock';
import { invalid } from '../../strategy/records/params';
import { canonicalBot, parseCanonical } from '../core/canonical-bot';
import { runSettings } from '../core/run-settings';
import { SymbolBacktester } from '../execution/symbol-backtester';
import { staticErrors, validationReport, ValidationReport } from './code-validation';
import type { ValidateCodeDto, ValidateFileDto } from './strategy-validation.dto';

const DAY_MS = 86_400_000;
export const MAX_FILE_BYTES = 200 * 1024;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

@Injectable()
export class StrategyValidationService {
  constructor(
    private readonly backtester: SymbolBacktester,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async validate(dto: ValidateCodeDto): Promise<ValidationReport> {
    if (typeof dto.strategy_code !== 'string' || dto.strategy_code.trim() === '') {
      throw new DomainError(ErrorCode.ValidationFailed, 'strategy_code is required', { strategy_code: ['This field is required.'] });
    }
    return this.check(dto.strategy_code, dto.strategy_name ?? 'GeneratedStrategy', dto.test_symbol ?? 'AAPL', dto.test_period_days ?? 365);
  }

  async validateFile(dto: ValidateFileDto): Promise<ValidationReport> {
    if (typeof dto.file_path !== 'string' || dto.file_path.trim() === '') {
      throw new DomainError(ErrorCode.ValidationFailed, 'file_path is required', { file_path: ['This field is required.'] });
    }
    const path = await this.insideBotsDir(dto.file_path);
    const name = dto.file_path.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'GeneratedStrategy';
    return this.check(await readFile(path, 'utf8'), name, dto.test_symbol ?? 'AAPL', dto.test_period_days ?? 365);
  }

  private async insideBotsDir(given: string): Promise<string> {
    const root = resolve(this.config.bots.dir);
    if (isAbsolute(given) || given.split(/[\\/]/).includes('..') || given.includes('\0')) {
      throw invalid('file_path', 'file_path must be a path relative to the bots folder, without ".."');
    }
    const notFound = () => new DomainError(ErrorCode.NotFound, `File not found: ${given}`, { file_path: given });
    let real: string;
    let realRoot: string;
    try {
      [real, realRoot] = await Promise.all([realpath(resolve(root, given)), realpath(root)]);
    } catch {
      throw notFound();
    }
    const rel = relative(realRoot, real);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel))
      throw invalid('file_path', 'file_path must stay inside the bots folder');
    const info = await stat(real).catch(() => null);
    if (!info?.isFile()) throw notFound();
    if (info.size > MAX_FILE_BYTES) throw invalid('file_path', `the file is larger than ${MAX_FILE_BYTES / 1024} KB`);
    return real;
  }

  private async check(source: string, name: string, symbol: string, days: number): Promise<ValidationReport> {
    const canonical = parseCanonical(source);
    let code = source;
    if (canonical) {
      try {
        code = canonicalBot(canonical);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return validationReport(name, ((error.details as Record<string, string[]>)?.strategy_code ?? [error.message]).slice(), null);
      }
    }
    const errors = staticErrors(code, staticCheck(code));
    if (errors.length > 0) return validationReport(name, errors, null);
    const now = this.clock.now();
    const settings = runSettings(
      {
        startDate: day(now - days * DAY_MS),
        endDate: day(now),
        initialCapital: '10000',
        commission: '0.002',
        slippage: '0',
        maxPositionSize: '1',
        stopLoss: null,
        takeProfit: null,
        timeframe: '1d',
        benchmarkSymbol: 'SPY',
        maxDrawdownLimit: '100',
      },
      now,
    );
    const outcome = await this.backtester.execute(symbol.toUpperCase(), code, settings);
    const usesIndicators = /ctx\s*\.\s*indicators\s*\./.test(code);
    return validationReport(name, [], outcome.ok ? { metrics: outcome.result.metrics, usesIndicators } : { error: outcome.message });
  }
}
