import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../common/error-body.dto';
import { optionalId, pageNumber } from '../strategy/records/params';
import { RunBodyDto, RunPatchDto } from './backtests.dto';
import { ALERT_EXAMPLE, page, RESULT_EXAMPLE, RUN_EXAMPLE, RUN_LIST_EXAMPLE, TRADE_LIST_EXAMPLE } from './examples';
import { RunsService, statusQuery, symbolsQuery } from './runs.service';

const ID = { name: 'id', example: 'bt_1a2b3c4d', description: 'Numeric id or run_id' };

/** Django's BacktestRunViewSet (`/api/backtests/runs/`) plus the analysis actions the frontend asked for; owners only. */
@ApiTags('backtests')
@Authenticated()
@Controller('api/backtests/runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Get()
  @ApiOperation({ summary: 'Your runs, newest first (50 a page)' })
  @ApiQuery({ name: 'status', required: false, example: 'completed' })
  @ApiQuery({ name: 'strategy_id', required: false, example: 7 })
  @ApiQuery({ name: 'symbols', required: false, example: 'AAPL', description: 'Repeatable: runs containing every one' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiOkResponse({ schema: { example: page(RUN_LIST_EXAMPLE) } })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  list(
    @CurrentUser() user: AuthUser,
    @Query('status') status?: string,
    @Query('strategy_id') strategyId?: string,
    @Query('symbols') symbols?: string | string[],
    @Query('page') p?: string,
  ) {
    return this.runs.list(
      user,
      { status: statusQuery(status), strategyId: optionalId(strategyId, 'strategy_id'), symbols: symbolsQuery(symbols) },
      pageNumber(p),
    );
  }

  @Post()
  @ApiOperation({ summary: 'Record a run (not executed: POST api/run_backtest/ runs a backtest)' })
  @ApiCreatedResponse({ schema: { example: { ...RUN_EXAMPLE, status: 'pending' } } })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  create(@CurrentUser() user: AuthUser, @Body() body: RunBodyDto) {
    return this.runs.create(user, body);
  }

  @Get(':id')
  @ApiParam(ID)
  @ApiOperation({ summary: 'One run' })
  @ApiOkResponse({ schema: { example: RUN_EXAMPLE } })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.runs.get(user, id);
  }

  @Put(':id')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Replace config, strategy, symbols, status' })
  @ApiOkResponse({ schema: { example: RUN_EXAMPLE } })
  put(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: RunBodyDto) {
    return this.runs.update(user, id, body);
  }

  @Patch(':id')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Change config, strategy, symbols or status' })
  @ApiOkResponse({ schema: { example: RUN_EXAMPLE } })
  patch(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: RunPatchDto) {
    return this.runs.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam(ID)
  @ApiOperation({ summary: 'Delete a run with its result, trades and alerts (a running one is stopped first)' })
  @ApiNoContentResponse()
  delete(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    return this.runs.delete(user, id);
  }

  @Get(':id/result')
  @ApiParam(ID)
  @ApiOperation({ summary: "The run's full result" })
  @ApiOkResponse({ schema: { example: RESULT_EXAMPLE } })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: "{ error: 'Results not available for this run' } until it completes" })
  result(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.runs.result(user, id);
  }

  @Get(':id/trades')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Every trade of the run, newest entry first, unpaginated' })
  @ApiOkResponse({ schema: { example: [TRADE_LIST_EXAMPLE] } })
  trades(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.runs.trades(user, id);
  }

  @Get(':id/alerts')
  @ApiParam(ID)
  @ApiOperation({ summary: "The run's alerts, newest first, unpaginated" })
  @ApiOkResponse({ schema: { example: [ALERT_EXAMPLE] } })
  alerts(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.runs.alerts(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiParam(ID)
  @ApiOperation({ summary: 'Cancel a pending, queued or running run; a running bot is stopped at once' })
  @ApiOkResponse({ schema: { example: { message: 'Backtest cancelled successfully', run_id: 'bt_1a2b3c4d', status: 'cancelled' } } })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: "{ error: 'Cannot cancel backtest with status: completed' }" })
  cancel(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.runs.cancel(user, id);
  }

  @Get(':id/equity_curve')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Not in Django: portfolio value and bar returns (percent) of a completed run' })
  @ApiOkResponse({
    schema: {
      example: {
        run_id: 'bt_1a2b3c4d',
        symbols: ['AAPL'],
        initial_value: 10000,
        final_value: '10421.00',
        points: RESULT_EXAMPLE.portfolio_values,
        returns: RESULT_EXAMPLE.returns,
      },
    },
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  equityCurve(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.runs.equityCurve(user, id);
  }

  @Get(':id/drawdown_analysis')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Not in Django: drawdown figures and every drawdown period, deepest first' })
  @ApiOkResponse({
    schema: {
      example: {
        run_id: 'bt_1a2b3c4d',
        max_drawdown_pct: '6.100000',
        max_drawdown_duration: 41,
        current_drawdown_pct: '1.200000',
        recovery_factor: '0.690000',
        periods_count: 1,
        periods: [
          {
            start: '2024-02-01T00:00:00.000Z',
            trough: '2024-02-20T00:00:00.000Z',
            end: '2024-03-13T00:00:00.000Z',
            depth_pct: 6.1,
            duration_days: 41,
          },
        ],
        drawdowns: RESULT_EXAMPLE.drawdowns,
      },
    },
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  drawdownAnalysis(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.runs.drawdownAnalysis(user, id);
  }

  @Get(':id/trade_stats')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Not in Django: trade statistics overall, per symbol and per side' })
  @ApiOkResponse({
    schema: {
      example: {
        run_id: 'bt_1a2b3c4d',
        status: 'completed',
        trades: 14,
        winning: 6,
        losing: 8,
        win_rate: 42.857143,
        total_pnl: 421,
        avg_pnl: 30.071429,
        avg_pnl_pct: 0.31,
        avg_holding_period: 17.5,
        max_consecutive_wins: 3,
        max_consecutive_losses: 4,
        best_trade_pct: 6.4,
        worst_trade_pct: -3.1,
        by_symbol: [{ symbol: 'AAPL', trades: 5, winning: 2, losing: 3, win_rate: 40, total_pnl: 120, avg_pnl: 24, avg_pnl_pct: 0.4 }],
        by_type: {
          long: { trades: 14, winning: 6, losing: 8, win_rate: 42.857143, total_pnl: 421, avg_pnl: 30.071429, avg_pnl_pct: 0.31 },
          short: { trades: 0, winning: 0, losing: 0, win_rate: 0, total_pnl: 0, avg_pnl: 0, avg_pnl_pct: 0 },
        },
      },
    },
  })
  tradeStats(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.runs.tradeStats(user, id);
  }

  @Get(':id/export_trades')
  @ApiParam(ID)
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Not in Django: every trade of the run as CSV (attachment <run_id>_trades.csv)' })
  @ApiOkResponse({
    schema: { type: 'string', example: 'id,symbol,trade_type,status,entry_date,…\r\n40,AAPL,long,closed,2024-03-04T00:00:00.000Z,…\r\n' },
  })
  exportTrades(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<StreamableFile> {
    return this.runs.exportTrades(user, id);
  }
}
