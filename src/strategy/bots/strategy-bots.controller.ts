import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { PathId } from '../../common/path-id';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../../common/error-body.dto';
import { respondJsonOrSse } from './respond';
import { ExecuteDto, FixErrorsDto, GenerateWithAiDto } from './strategy-bots.dto';
import { StrategyBotsService } from './strategy-bots.service';
import { Idempotent } from '../../idempotency/idempotency';
import { aiCallerOf } from '../../gemini/ai-caller';

const SSE_NOTE =
  'Send `Accept: text/event-stream` for progress events (`progress` {step, progress, message}, then `result` with this body).';

/** Bot actions on `/api/strategies/strategies/` (registered before the CRUD `:id` routes). */
@ApiTags('strategies')
@Authenticated()
@Controller('api/strategies/strategies')
export class StrategyBotsController {
  constructor(private readonly service: StrategyBotsService) {}

  @Idempotent()
  @Post('generate_with_ai')
  @ApiOperation({
    summary: 'Generate a bot from a description with Gemini, test it in the sandbox, fix it, and save it as a strategy',
    description: SSE_NOTE,
  })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiCreatedResponse({
    description: 'The strategy with generation, execution and fix results',
    schema: {
      example: {
        id: 7,
        name: 'rsi_mean_reversion',
        file_path: '/srv/data/bots/rsi_mean_reversion.js',
        status: 'executed',
        generation_result: { success: true, file_path: '/srv/data/bots/rsi_mean_reversion.js', static_check: 'passed' },
        execution_result: { success: true, return_pct: 12.4, num_trades: 9, win_rate: 55.6, sharpe_ratio: 1.1, max_drawdown: 6.3 },
        fix_attempts: 1,
        fix_details: [{ attempt: 1, error_type: 'reference', success: true }],
        market_data: { symbol: 'AAPL', period: '1y', interval: '1d', source: 'synthetic', synthetic: true, bars: 261 },
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto, description: 'Every Gemini key is busy (Retry-After); nothing was saved' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto })
  async generateWithAi(
    @CurrentUser() user: AuthUser,
    @Body() body: GenerateWithAiDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<unknown> {
    return respondJsonOrSse(req, res, 201, (p) => this.service.generateWithAi(user, body, p, aiCallerOf(req, res)));
  }

  @Post(':id/fix_errors')
  @ApiOperation({ summary: "Run the strategy's bot and let Gemini fix it until it works (up to max_attempts)", description: SSE_NOTE })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({
    schema: {
      example: {
        success: true,
        final_path: '/srv/data/bots/rsi_mean_reversion.js',
        final_status: 'fixed',
        attempts: 1,
        fixes: [
          {
            attempt: 1,
            success: true,
            error_type: 'type',
            error_message: "TypeError: Cannot read properties of null (reading 'macd') (bot.js line 9)",
            timestamp: '2026-11-25T09:30:05.000Z',
          },
        ],
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'No generated bot' })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto })
  async fixErrors(
    @CurrentUser() user: AuthUser,
    @PathId('id') id: number,
    @Body() body: FixErrorsDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<unknown> {
    return respondJsonOrSse(req, res, 200, (p) => this.service.fixErrors(user, id, body, p, aiCallerOf(req, res)));
  }

  @Post(':id/execute')
  @HttpCode(200)
  @ApiOperation({ summary: "Backtest the strategy's bot once in the sandbox" })
  @ApiOkResponse({
    schema: {
      example: {
        success: true,
        metrics: { return_pct: 8.2, num_trades: 12, win_rate: 50, sharpe_ratio: 0.8, max_drawdown: 7.5, execution_time: 0.004 },
        results_file: null,
        error_message: null,
        error_type: null,
        symbol: 'GOOG',
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async execute(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: ExecuteDto) {
    return this.service.execute(user, id, body);
  }

  @Get(':id/execution_history')
  @ApiOperation({ summary: 'The last 20 executions of the strategy' })
  @ApiOkResponse({
    schema: {
      example: {
        strategy_id: 7,
        strategy_name: 'rsi_mean_reversion',
        total_executions: 1,
        executions: [
          {
            timestamp: '2026-11-25T09:31:00.000Z',
            success: true,
            symbol: 'GOOG',
            return_pct: 8.2,
            num_trades: 12,
            win_rate: 50,
            sharpe_ratio: 0.8,
            max_drawdown: 7.5,
            execution_time: 0.004,
            error_message: null,
          },
        ],
      },
    },
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async executionHistory(@CurrentUser() user: AuthUser, @PathId('id') id: number) {
    return this.service.executionHistory(user, id);
  }
}
