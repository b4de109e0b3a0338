/**
 * Turns one bot test (static checks + sandboxed backtest, `ErrorFixerService.test`) into Django-style
 * StrategyValidation records, one per requested type. Pure: no Nest, no database, no clock.
 *
 * - `syntax`: the static checks in the order they run (JavaScript parses → sandbox rules → module contract);
 *   the first failing one is a failed check, the ones after it are not reached.
 * - `backtest`: the static checks as one check, then the sandboxed run over the test bars. A run without a
 *   single trade is a warning; with `strict_mode` warnings fail the check.
 * - score = 100 × passed checks / (passed + failed checks), two decimals.
 */
import { errorHint, type BotErrorType } from '../../bots/core/error-classifier';
import type { BotTestOutcome } from '../../error-fixer/error-fixer.service';
import type { ValidationType } from './strategy.dto';

export const VALIDATOR_VERSION = 'sandbox-1.0';
export const NOT_A_BOT = 'strategy_code is not a bot; generate one first';

export interface Check {
  check: string;
  message: string;
  error_type?: string;
  metrics?: Record<string, number>;
}

export interface Verdict {
  validationType: ValidationType;
  status: 'passed' | 'failed' | 'error';
  score: string;
  passedChecks: Check[];
  failedChecks: Check[];
  warnings: Check[];
  recommendations: string[];
}

export interface JudgeOptions {
  strictMode: boolean;
  /** Bars the backtest ran over (for the message). */
  barCount: number;
}

const STATIC_STEPS: ReadonlyArray<{ check: string; errorType: BotErrorType; ok: string }> = [
  { check: 'syntax', errorType: 'syntax', ok: 'The code parses as JavaScript' },
  { check: 'sandbox_rules', errorType: 'sandbox_violation', ok: 'No forbidden globals (require, process, eval, timers, network…)' },
  { check: 'module_contract', errorType: 'contract', ok: 'module.exports defines onBar(bar, ctx)' },
];

/** A bot test and where it stopped: `static` when the static checks refused the code (nothing ran). */
export interface BotTest {
  stage: 'static' | 'sandbox';
  outcome: BotTestOutcome;
}

type StaticFailure = BotTest & { stage: 'static'; outcome: Extract<BotTestOutcome, { ok: false }> };

function isStaticFailure(test: BotTest): test is StaticFailure {
  return test.stage === 'static' && !test.outcome.ok;
}

export function scoreOf(passed: number, failed: number): string {
  const total = passed + failed;
  return (total === 0 ? 0 : Math.round((10_000 * passed) / total) / 100).toFixed(2);
}

function verdict(
  validationType: ValidationType,
  passedChecks: Check[],
  failedChecks: Check[],
  warnings: Check[],
  recommendations: string[],
): Verdict {
  return {
    validationType,
    status: failedChecks.length === 0 ? 'passed' : 'failed',
    score: scoreOf(passedChecks.length, failedChecks.length),
    passedChecks,
    failedChecks,
    warnings,
    recommendations,
  };
}

function judgeSyntax(test: BotTest): Verdict {
  if (!isStaticFailure(test))
    return verdict(
      'syntax',
      STATIC_STEPS.map((s) => ({ check: s.check, message: s.ok })),
      [],
      [],
      [],
    );
  const outcome = test.outcome;
  const at = Math.max(
    0,
    STATIC_STEPS.findIndex((s) => s.errorType === outcome.errorType),
  );
  const passed = STATIC_STEPS.slice(0, at).map((s) => ({ check: s.check, message: s.ok }));
  const failed = [{ check: STATIC_STEPS[at].check, error_type: outcome.errorType, message: outcome.message }];
  return verdict('syntax', passed, failed, [], [errorHint(outcome.errorType)]);
}

function judgeBacktest(test: BotTest, opts: JudgeOptions): Verdict {
  const outcome = test.outcome;
  if (isStaticFailure(test)) {
    const outcome = test.outcome;
    return verdict(
      'backtest',
      [],
      [{ check: 'static_checks', error_type: outcome.errorType, message: outcome.message }],
      [],
      [errorHint(outcome.errorType)],
    );
  }
  const staticOk: Check = { check: 'static_checks', message: 'Syntax, sandbox rules and module contract' };
  if (!outcome.ok) {
    return verdict(
      'backtest',
      [staticOk],
      [{ check: 'backtest_run', error_type: outcome.errorType, message: outcome.message }],
      [],
      [errorHint(outcome.errorType)],
    );
  }
  const m = outcome.result.metrics;
  const run: Check = {
    check: 'backtest_run',
    message: `Ran over ${opts.barCount} bars: ${m.num_trades} trades, return ${m.return_pct.toFixed(2)} %, max drawdown ${m.max_drawdown.toFixed(2)} %`,
    metrics: { ...m },
  };
  const warnings: Check[] = m.num_trades === 0 ? [{ check: 'trades', message: 'The bot made no trades over the test period' }] : [];
  const recommendations = warnings.length ? ['Check the entry conditions: they never triggered on the test data'] : [];
  const failed: Check[] =
    opts.strictMode && warnings.length ? [{ check: 'strict_mode', message: 'Strict mode: warnings count as failures' }] : [];
  return verdict('backtest', [staticOk, run], failed, warnings, recommendations);
}

/** One verdict per type, in the order asked. */
export function judge(test: BotTest, types: readonly ValidationType[], opts: JudgeOptions): Verdict[] {
  return types.map((t) => (t === 'syntax' ? judgeSyntax(test) : judgeBacktest(test, opts)));
}

/** The verdict when the checks could not run at all (`status`: failed for not-a-bot, error for missing data). */
export function cannotRun(validationType: ValidationType, status: 'failed' | 'error', check: string, message: string): Verdict {
  return { validationType, status, score: '0.00', passedChecks: [], failedChecks: [{ check, message }], warnings: [], recommendations: [] };
}
