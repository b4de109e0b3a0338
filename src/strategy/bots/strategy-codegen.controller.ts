import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../../common/error-body.dto';
import { JobAcceptedDto } from '../../jobs/jobs.dto';
import { JobWaiter } from '../../jobs/job-waiter';
import { AUTO_FIX_KIND } from './auto-fix.command';
import { respondJsonOrSse, respondWithJob } from './respond';
import { GenerateCodeDto, GenerateExecutableDto, GenerateWithAutoFixDto } from './strategy-bots.dto';
import { StrategyBotsService } from './strategy-bots.service';
import { Idempotent } from '../../idempotency/idempotency';
import { AiCaller, aiCallerOf, Caller } from '../../gemini/ai-caller';

const SSE_NOTE =
  'Send `Accept: text/event-stream` for progress events (`progress` {step, progress, message}, then `result` with this body).';

/** Code generation actions on `/api/strategies/api/`. */
@ApiTags('strategies')
@Authenticated()
@Controller('api/strategies/api')
export class StrategyCodegenController {
  constructor(
    private readonly service: StrategyBotsService,
    private readonly waiter: JobWaiter,
  ) {}

  @Post('generate_code')
  @HttpCode(200)
  @ApiOperation({ summary: 'Generate bot code from a description (nothing is saved)' })
  @ApiOkResponse({
    schema: {
      example: {
        generated_code: "module.exports = { name: 'EMA Cross', params: { fast: 20, slow: 50 }, onBar(bar, ctx) { /* … */ } };",
        strategy_name: 'EMA Cross ATR Stop',
        description: 'A 20/50 EMA crossover with a 2 × ATR trailing stop.',
        parameters: { fast: 20, slow: 50 },
        metadata: {
          language: 'javascript',
          sdk: 'docs/bot-sdk.md',
          static_check: 'passed',
          template_id: null,
          generated_at: '2026-11-25T09:30:00.000Z',
        },
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto })
  async generateCode(@CurrentUser() user: AuthUser, @Body() body: GenerateCodeDto, @Caller() caller: AiCaller) {
    return this.service.generateCode(user, body, caller);
  }

  @Idempotent()
  @Post('generate_executable_code')
  @ApiOperation({ summary: 'Canonical strategy JSON → description → bot → sandbox run → fix loop (up to 5)', description: SSE_NOTE })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({
    schema: {
      example: {
        success: true,
        strategy_code: 'module.exports = { … };',
        file_path: '/srv/data/bots/ema_crossover.js',
        file_name: 'ema_crossover.js',
        json_file_path: '/srv/data/bots/ema_crossover.json',
        strategy_id: 12,
        message: 'Bot generated and tested (fixed in 1 attempt(s))',
        execution: {
          attempted: true,
          success: true,
          validation_status: 'passed',
          metrics: { return_pct: 8.4, num_trades: 6, win_rate: 50, sharpe_ratio: 0.9, max_drawdown: 4.2 },
          error_message: null,
        },
        error_fixing: {
          attempted: true,
          attempts: 1,
          history: [{ attempt: 1, error_type: 'reference', success: true, description: 'AI-generated fix for reference' }],
          final_status: 'fixed',
        },
        market_data: { symbol: 'AAPL', period: '1y', interval: '1d', source: 'synthetic', synthetic: true, bars: 261 },
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Bad canonical_json, test_config or strategy_id' })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto, description: 'Every Gemini key is busy (Retry-After); nothing was saved' })
  async generateExecutable(
    @CurrentUser() user: AuthUser,
    @Body() body: GenerateExecutableDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<unknown> {
    return respondJsonOrSse(req, res, 200, (p) => this.service.generateExecutableCode(user, body, p, aiCallerOf(req, res)));
  }

  @Idempotent()
  @Post('generate_with_auto_fix')
  @ApiOperation({
    summary: 'Like generate_executable_code with max_fix_attempts; strategy_code is the initially generated code',
    description:
      `Runs as a job (\`${AUTO_FIX_KIND}\`). By default the request waits for it and answers 200 with the body below. ${SSE_NOTE} ` +
      'Send `Prefer: respond-async` to get 202 at once with the job (Location: /api/jobs/{id}; its `result` is this body; ' +
      'follow /api/jobs/{id}/events). A waiting client that disconnects cancels the job; nothing is saved. The job id is ' +
      'in the `X-Job-Id` header of the waiting answers.',
  })
  @ApiHeader({ name: 'Prefer', required: false, example: 'respond-async', description: '`respond-async`: 202 with the job at once' })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({
    schema: {
      example: {
        success: true,
        strategy_code: 'module.exports = { … };',
        file_path: '/srv/data/bots/ema_crossover.js',
        file_name: 'ema_crossover.js',
        json_file_path: '/srv/data/bots/ema_crossover.json',
        strategy_id: null,
        message: 'Bot generated and validated',
        validation_passed: true,
        fix_attempts: 0,
        fix_history: [],
      },
    },
  })
  @ApiAcceptedResponse({
    type: JobAcceptedDto,
    description: 'With `Prefer: respond-async`',
    headers: {
      Location: { description: 'The job', schema: { type: 'string', example: '/api/jobs/job_3f2a9c1d4b5e6f708a9b' } },
      'Preference-Applied': { schema: { type: 'string', example: 'respond-async' } },
    },
  })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Bad canonical_json, test_config, max_fix_attempts or strategy_id' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'strategy_id is not your strategy' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The job was cancelled (POST /api/jobs/{id}/cancel) before it finished' })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto, description: 'Every Gemini key is busy (Retry-After); nothing was saved' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'The job queue (Redis) is unavailable (Retry-After)' })
  async generateWithAutoFix(
    @CurrentUser() user: AuthUser,
    @Body() body: GenerateWithAutoFixDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<unknown> {
    const job = await this.service.startAutoFix(user, body);
    return respondWithJob(req, res, this.waiter, job);
  }
}
