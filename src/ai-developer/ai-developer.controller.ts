import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser, requireUserId } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../common/error-body.dto';
import { marketDataRequestOrDefaults } from '../market-data/market-data.port';
import { CreateRunDto, DeveloperChatDto, DeveloperChatResponseDto, RunDto } from './ai-developer.dto';
import { AiDeveloperService } from './ai-developer.service';
import { RunRow } from './runs.repository';
import { Idempotent } from '../idempotency/idempotency';

/** The AI developer: runs that generate, test and fix a bot in the background, with SSE progress. */
@ApiTags('ai-developer')
@Authenticated({ allowAnonymous: false })
@Controller('api/ai-developer')
export class AiDeveloperController {
  constructor(private readonly service: AiDeveloperService) {}

  @Idempotent()
  @Post('runs')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a run: generate a bot from the description, test it in the sandbox, fix it with Gemini until it works' })
  @ApiAcceptedResponse({ type: RunDto, description: 'The run started; follow events_url (SSE) or poll the run' })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid body (each field named)' })
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateRunDto): Promise<RunDto> {
    const id = requireUserId(user);
    const testConfig = marketDataRequestOrDefaults(body.test_config);
    const run = await this.service.start(
      { ...user, id },
      {
        description: body.description,
        strategyName: body.strategy_name,
        autoFix: body.auto_fix ?? true,
        maxIterations: body.max_iterations ?? 5,
        testConfig,
      },
    );
    return toRunDto(run);
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'State of a run (yours only)' })
  @ApiOkResponse({ type: RunDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such run, or not yours' })
  async get(@CurrentUser() user: AuthUser, @Param('id') runId: string): Promise<RunDto> {
    return toRunDto(await this.service.owned(user, runId));
  }

  @Post('chat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ask a coding question about bots; with run_id the run (description, code, last error) is the context' })
  @ApiOkResponse({ type: DeveloperChatResponseDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'run_id unknown or not yours' })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto, description: 'Every key is busy; see Retry-After' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'No usable key' })
  async chat(@CurrentUser() user: AuthUser, @Body() body: DeveloperChatDto): Promise<DeveloperChatResponseDto> {
    const id = requireUserId(user);
    return this.service.chat({ ...user, id }, body.message, body.run_id);
  }
}

function toRunDto(run: RunRow): RunDto {
  return {
    id: run.id,
    status: run.status,
    step: run.step,
    progress: run.progress,
    iterations: run.iterations,
    description: run.description,
    strategy_name: run.strategyName,
    auto_fix: run.autoFix,
    max_iterations: run.maxIterations,
    bot_id: run.botId,
    result: run.result ?? null,
    events_url: `/api/ai-developer/runs/${run.id}/events`,
    created_at: run.createdAt.toISOString(),
    updated_at: run.updatedAt.toISOString(),
  };
}
