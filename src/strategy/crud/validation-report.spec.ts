import { looksLikeBot } from '../../bots/core/looks-like-bot';
import { BotTest, cannotRun, judge, scoreOf } from './validation-report';

const metrics = { return_pct: 3.5, num_trades: 4, win_rate: 50, sharpe_ratio: 0.9, max_drawdown: 2.25, execution_time: 0.01 };
const passed = (numTrades = 4): BotTest => ({
  stage: 'sandbox',
  outcome: { ok: true, result: { metrics: { ...metrics, num_trades: numTrades }, trades: [], equity_curve: [], logs: [] }, durationMs: 12 },
});
const failedAt = (
  stage: 'static' | 'sandbox',
  errorType: 'syntax' | 'sandbox_violation' | 'contract' | 'reference',
  message: string,
): BotTest => ({
  stage,
  outcome: { ok: false, errorType, message, logs: [], durationMs: stage === 'static' ? 0 : 5 },
});
const opts = { strictMode: false, barCount: 252 };

describe('looksLikeBot', () => {
  it('accepts a CommonJS bot', () => {
    expect(looksLikeBot('module.exports = { onBar(bar, ctx) {} };')).toBe(true);
    expect(looksLikeBot('exports.onBar = function (bar, ctx) {};')).toBe(true);
  });

  it('refuses canonical JSON, Python and blank code', () => {
    expect(looksLikeBot('{"title": "x", "note": "module.exports"}')).toBe(false);
    expect(looksLikeBot('class MyStrategy:\n    def on_bar(self, data):\n        pass')).toBe(false);
    expect(looksLikeBot('   ')).toBe(false);
  });

  it('treats an object that is not valid JSON but assigns module.exports as a bot', () => {
    expect(looksLikeBot('{ const x = 1; } module.exports = { onBar() {} };')).toBe(true);
  });
});

describe('judge', () => {
  it('passes every check of a bot that runs and trades', () => {
    const [syntax, backtest] = judge(passed(), ['syntax', 'backtest'], opts);
    expect(syntax).toMatchObject({ validationType: 'syntax', status: 'passed', score: '100.00', failedChecks: [] });
    expect(syntax.passedChecks.map((c) => c.check)).toEqual(['syntax', 'sandbox_rules', 'module_contract']);
    expect(backtest).toMatchObject({ validationType: 'backtest', status: 'passed', score: '100.00', warnings: [] });
    expect(backtest.passedChecks[1]).toEqual({
      check: 'backtest_run',
      message: 'Ran over 252 bars: 4 trades, return 3.50 %, max drawdown 2.25 %',
      metrics,
    });
  });

  it('fails the static check that refused the code, passing the ones before it', () => {
    const [syntax, backtest] = judge(failedAt('static', 'contract', 'module.exports must define onBar'), ['syntax', 'backtest'], opts);
    expect(syntax.passedChecks.map((c) => c.check)).toEqual(['syntax', 'sandbox_rules']);
    expect(syntax.failedChecks).toEqual([
      { check: 'module_contract', error_type: 'contract', message: 'module.exports must define onBar' },
    ]);
    expect(syntax.score).toBe('66.67');
    expect(backtest).toMatchObject({
      status: 'failed',
      score: '0.00',
      failedChecks: [{ check: 'static_checks', error_type: 'contract', message: 'module.exports must define onBar' }],
    });
  });

  it('blames the run, not the syntax, for a run-time error', () => {
    const [syntax, backtest] = judge(failedAt('sandbox', 'reference', 'x is not defined'), ['syntax', 'backtest'], opts);
    expect(syntax.status).toBe('passed');
    expect(backtest).toMatchObject({
      status: 'failed',
      score: '50.00',
      failedChecks: [{ check: 'backtest_run', error_type: 'reference', message: 'x is not defined' }],
    });
    expect(backtest.recommendations).toHaveLength(1);
  });

  it('warns about a bot without trades, and fails it in strict mode', () => {
    const [lenient] = judge(passed(0), ['backtest'], opts);
    expect(lenient).toMatchObject({
      status: 'passed',
      warnings: [{ check: 'trades', message: 'The bot made no trades over the test period' }],
    });
    const [strict] = judge(passed(0), ['backtest'], { ...opts, strictMode: true });
    expect(strict).toMatchObject({
      status: 'failed',
      score: '66.67',
      failedChecks: [{ check: 'strict_mode', message: 'Strict mode: warnings count as failures' }],
    });
  });

  it('describes a validation that could not run', () => {
    expect(cannotRun('backtest', 'error', 'test_run', 'Market data unavailable')).toEqual({
      validationType: 'backtest',
      status: 'error',
      score: '0.00',
      passedChecks: [],
      failedChecks: [{ check: 'test_run', message: 'Market data unavailable' }],
      warnings: [],
      recommendations: [],
    });
  });

  it('scores 0 with no checks at all', () => {
    expect(scoreOf(0, 0)).toBe('0.00');
  });
});
