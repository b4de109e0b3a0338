import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../common/error-body.dto';
import { BacktestApiService } from './backtest-api.service';
import { CompareDto, ConfigBodyDto, QuickRunDto, RunBacktestDto, SearchDto } from './backtests.dto';
import { ConfigsService } from './configs.service';
import { CONFIG_EXAMPLE, RUN_LIST_EXAMPLE } from './examples';
import { RunsService } from './runs.service';

/** Django's BacktestAPIViewSet (`/api/backtests/api/…`) and `compare_backtests/`. */
@ApiTags('backtests')
@Controller('api/backtests/api')
export class BacktestApiController {
  constructor(
    private readonly api: BacktestApiService,
    private readonly configs: ConfigsService,
    private readonly runs: RunsService,
  ) {}

  @Post('run_backtest')
  @Authenticated()
  @HttpCode(202)
  @ApiOperation({ summary: "Queue a backtest of your strategy's bot (or canonical JSON) over 1–50 symbols; poll runs/{run_id}/" })
  @ApiAcceptedResponse({
    schema: {
      example: {
        id: 12,
        run_id: 'bt_1a2b3c4d',
        status: 'queued',
        message: 'Backtest queued over 3 symbol(s)',
        config_id: 3,
        symbols: ['AAPL', 'MSFT', 'GOOG'],
        progress: '0.00',
        result_summary: null,
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Bad field (named), dates reversed, strategy without a runnable bot' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: "{ error: 'Strategy not found' } / { error: 'Config not found' }" })
  runBacktest(@CurrentUser() user: AuthUser, @Body() body: RunBacktestDto) {
    return this.api.runBacktest(user, body);
  }

  @Post('quick_run')
  @Authenticated()
  @HttpCode(200)
  @ApiOperation({ summary: 'Backtest one symbol now (bot module, canonical JSON or your strategy); nothing is stored' })
  @ApiOkResponse({
    schema: {
      example: {
        status: 'completed',
        summary: { total_return: 3.2, total_trades: 4, win_rate: 50, sharpe_ratio: 0.61, max_drawdown: 5.4, final_equity: 10320 },
        metrics: {
          start_date: '2024-01-02T00:00:00.000Z',
          end_date: '2024-12-31T00:00:00.000Z',
          duration: '364 days',
          exposure_time: 41.2,
          equity_final: 10320,
          equity_peak: 10610,
          return_pct: 3.2,
          buy_hold_return: 8.1,
          return_ann: 3.2,
          volatility_ann: 9.1,
          sharpe_ratio: 0.61,
          sortino_ratio: 0.9,
          calmar_ratio: 0.59,
          max_drawdown: -5.4,
          avg_drawdown: -2.1,
          total_trades: 4,
          win_rate: 50,
          best_trade: 4.4,
          worst_trade: -1.9,
          avg_trade: 0.8,
          profit_factor: 1.9,
        },
        trades: [
          {
            Size: 97,
            EntryPrice: 101.2,
            ExitPrice: 105.6,
            PnL: 407.3,
            ReturnPct: 0.0415,
            EntryTime: '2024-03-04T00:00:00.000Z',
            ExitTime: '2024-03-28T00:00:00.000Z',
            Duration: '24 days',
            ExitReason: 'signal',
          },
        ],
        daily_stats: [],
        symbol_stats: [{ symbol: 'AAPL', trades: 4, profit: 320 }],
        equity_curve: [{ date: '2024-01-02T00:00:00.000Z', value: 10000 }],
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: "Bad field (named), or { error: 'Backtest execution failed', details }" })
  quickRun(@CurrentUser() user: AuthUser, @Body() body: QuickRunDto) {
    return this.api.quickRun(user, body);
  }

  @Post('create_config')
  @Authenticated()
  @ApiOperation({ summary: 'Create a config (start_date must be before end_date)' })
  @ApiCreatedResponse({ schema: { example: CONFIG_EXAMPLE } })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  createConfig(@CurrentUser() user: AuthUser, @Body() body: ConfigBodyDto) {
    return this.configs.create(user, body, true);
  }

  @Post('search')
  @Authenticated()
  @HttpCode(200)
  @ApiOperation({ summary: 'Search your runs (at most 500 answered; count is every match)' })
  @ApiOkResponse({ schema: { example: { runs: [RUN_LIST_EXAMPLE], count: 1 } } })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  search(@CurrentUser() user: AuthUser, @Body() body: SearchDto) {
    return this.api.search(user, body);
  }

  @Post('compare_backtests')
  @Authenticated()
  @HttpCode(200)
  @ApiOperation({ summary: 'Not in Django: 2–10 of your runs side by side, with the best of each figure' })
  @ApiOkResponse({
    schema: {
      example: {
        count: 2,
        runs: [
          {
            id: 12,
            run_id: 'bt_1a2b3c4d',
            status: 'completed',
            strategy: 7,
            strategy_name: 'SMA cross',
            config_name: 'AAPL 2024',
            symbols: ['AAPL'],
            metrics: { total_return_pct: '4.210000', sharpe_ratio: '0.730000', max_drawdown_pct: '6.100000' },
          },
        ],
        best: {
          total_return_pct: 'bt_1a2b3c4d',
          sharpe_ratio: 'bt_1a2b3c4d',
          max_drawdown_pct: 'bt_5e6f7a8b',
          win_rate_pct: 'bt_1a2b3c4d',
        },
      },
    },
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'A run that is missing or not yours' })
  compare(@CurrentUser() user: AuthUser, @Body() body: CompareDto) {
    return this.runs.compare(user, body.run_ids);
  }

  @Get('health')
  @ApiOperation({ summary: 'Backtests API health' })
  @ApiOkResponse({
    schema: {
      example: {
        status: 'healthy',
        database: 'connected',
        runs_count: 12,
        configs_count: 3,
        runner_available: true,
        timestamp: '2026-12-01T09:00:00.000Z',
      },
    },
  })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto })
  health() {
    return this.api.health();
  }
}
