import { Controller, Get, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../common/error-body.dto';
import { pageNumber, PathId } from '../strategy/records/params';
import { ALERT_EXAMPLE, page, RESULT_EXAMPLE, TRADE_LIST_EXAMPLE } from './examples';
import { RecordsService } from './records.service';

/** Django's read-only `results/`, `trades/`, `alerts/` viewsets, limited to your runs. */
@ApiTags('backtests')
@Authenticated()
@Controller('api/backtests')
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  @Get('results')
  @ApiOperation({ summary: 'Results of your runs (50 a page)' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiOkResponse({ schema: { example: page(RESULT_EXAMPLE) } })
  results(@CurrentUser() user: AuthUser, @Query('page') p?: string) {
    return this.records.results(user, pageNumber(p));
  }

  @Get('results/:id')
  @ApiParam({ name: 'id', example: 5 })
  @ApiOperation({ summary: 'One result' })
  @ApiOkResponse({ schema: { example: RESULT_EXAMPLE } })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  result(@CurrentUser() user: AuthUser, @PathId('id') id: number) {
    return this.records.result(user, id);
  }

  @Get('trades')
  @ApiOperation({ summary: 'Trades of your runs, newest entry first (50 a page)' })
  @ApiQuery({ name: 'run_id', required: false, example: 'bt_1a2b3c4d' })
  @ApiQuery({ name: 'symbol', required: false, example: 'AAPL' })
  @ApiQuery({ name: 'trade_type', required: false, example: 'long' })
  @ApiQuery({ name: 'status', required: false, example: 'closed' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiOkResponse({ schema: { example: page(TRADE_LIST_EXAMPLE) } })
  trades(
    @CurrentUser() user: AuthUser,
    @Query('run_id') runId?: string,
    @Query('symbol') symbol?: string,
    @Query('trade_type') tradeType?: string,
    @Query('status') status?: string,
    @Query('page') p?: string,
  ) {
    return this.records.trades(user, { run_id: runId, symbol, trade_type: tradeType, status }, pageNumber(p));
  }

  @Get('trades/:id')
  @ApiParam({ name: 'id', example: 40 })
  @ApiOperation({ summary: 'One trade, all fields' })
  @ApiOkResponse({
    schema: {
      example: {
        ...TRADE_LIST_EXAMPLE,
        run: 12,
        entry_value: '3240.00',
        entry_commission: '3.240000',
        exit_value: '3356.80',
        exit_commission: '3.356800',
        signal_name: 'entry',
        notes: 'exit: signal',
        created_at: '2026-12-01T09:00:00.400Z',
        run_id: 'bt_1a2b3c4d',
        strategy_name: 'SMA cross',
      },
    },
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  trade(@CurrentUser() user: AuthUser, @PathId('id') id: number) {
    return this.records.trade(user, id);
  }

  @Get('alerts')
  @ApiOperation({ summary: 'Alerts of your runs, newest first (50 a page)' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiOkResponse({ schema: { example: page(ALERT_EXAMPLE) } })
  alerts(@CurrentUser() user: AuthUser, @Query('page') p?: string) {
    return this.records.alerts(user, pageNumber(p));
  }

  @Get('alerts/:id')
  @ApiParam({ name: 'id', example: 9 })
  @ApiOperation({ summary: 'One alert' })
  @ApiOkResponse({ schema: { example: ALERT_EXAMPLE } })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  alert(@CurrentUser() user: AuthUser, @PathId('id') id: number) {
    return this.records.alert(user, id);
  }
}
