import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ApiDocs } from '../../common/api-docs';
import { ErrorBodyDto } from '../../common/error-body.dto';
import { BacktestResultDto, BacktestResultPageDto, SaveBacktestResultDto } from './backtest-results.dto';
import { BacktestResultsService } from './backtest-results.service';
import { pageNumber, PathId, positiveId } from './params';
import { DjangoErrors, DrfErrors } from '../../common/error-style';

/**
 * Django's `LatestBacktestResultViewSet` (`/api/strategies/backtest-results/`, read-only, looked up by
 * strategy id). `by_strategy/` and `save_result/` are declared before `:strategy_id`.
 */
@ApiTags('strategies')
@Authenticated()
@DrfErrors()
@Controller('api/strategies/backtest-results')
export class BacktestResultsController {
  constructor(private readonly results: BacktestResultsService) {}

  @Get()
  @ApiDocs({
    summary: 'The latest backtest of each of your strategies (staff: all), most recent first',
    page: true,
    ok: BacktestResultPageDto,
    400: true,
  })
  list(@CurrentUser() user: AuthUser, @Query('page') page?: string): Promise<BacktestResultPageDto> {
    return this.results.list(user, pageNumber(page));
  }

  @DjangoErrors()
  @Get('by_strategy')
  @ApiOperation({ summary: 'The latest backtest of one of your strategies' })
  @ApiQuery({ name: 'strategy_id', required: true, example: 7 })
  @ApiOkResponse({ type: BacktestResultDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'strategy_id missing or not a positive integer' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: '{ error, details: { strategy_id } }: no result, or not your strategy' })
  byStrategy(@CurrentUser() user: AuthUser, @Query('strategy_id') strategyId?: string): Promise<BacktestResultDto> {
    return this.results.byStrategy(user, positiveId(strategyId, 'strategy_id'));
  }

  @DjangoErrors()
  @Post('save_result')
  @ApiOperation({ summary: "Save (replace) a strategy's latest backtest: 201 when new, 200 when replaced" })
  @ApiCreatedResponse({ type: BacktestResultDto, description: 'First result of this strategy' })
  @ApiOkResponse({ type: BacktestResultDto, description: 'The previous result was replaced' })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid fields, each named (non-finite numbers, too many trades…)' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: '{ error, details: { strategy_id } }: not your strategy' })
  async save(
    @CurrentUser() user: AuthUser,
    @Body() body: SaveBacktestResultDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BacktestResultDto> {
    const { created, result } = await this.results.save(user, body);
    res.status(created ? 201 : 200);
    return result;
  }

  @Get(':strategy_id')
  @ApiParam({ name: 'strategy_id', example: 7 })
  @ApiOperation({ summary: 'The latest backtest of one of your strategies, by strategy id' })
  @ApiOkResponse({ type: BacktestResultDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'strategy_id is not a positive integer' })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  get(@CurrentUser() user: AuthUser, @PathId('strategy_id') strategyId: number): Promise<BacktestResultDto> {
    return this.results.byStrategy(user, strategyId);
  }
}
