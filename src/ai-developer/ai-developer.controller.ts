import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
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
import { AuthUser, CurrentUser, requireUserId } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../common/error-body.dto';
import { sendSse } from '../gemini/sse';
import { marketDataRequestOrDefaults } from '../market-data/market-data.port';
import { CreateRunDto, DeveloperChatDto, DeveloperChatResponseDto, RunDto } from './ai-developer.dto';
import { AiDeveloperService } from './ai-developer.service';
import { RunEvent } from './run-events';
import { RunRow } from './runs.repository';

const HEARTBEAT_MS = 15_000;

/** The AI developer: runs that generate, test and fix a bot in the background, with SSE progress. */
@ApiTags('ai-developer')
@Authenticated({ allowAnonymous: false })
@Controller('api/ai-developer')
export class AiDeveloperController {
  constructor(private readonly service: AiDeveloperService) {}

  @Post('runs')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a run: generate a bot from the description, test it in the sandbox, fix it with Gemini until it works' })
  @ApiAcceptedResponse({ type: RunDto, description: 'The run started; follow events_url (SSE) or poll the run' })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid body (each field named)' })
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateRunDto): Promise<RunDto> {
    const id = requireUserId(user);
    const testConfig = marketDataRequestOrDefaults(body.test_config);
    const run = await this.service.start({ ...user, id }, {
      description: body.description,
      strategyName: body.strategy_name,
      autoFix: body.auto_fix ?? true,
      maxIterations: body.max_iterations ?? 5,
      testConfig,
    });
    return toRunDto(run);
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'State of a run (yours only)' })
  @ApiOkResponse({ type: RunDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such run, or not yours' })
  async get(@CurrentUser() user: AuthUser, @Param('id') runId: string): Promise<RunDto> {
    return toRunDto(await this.service.owned(user, runId));
  }

  @Get('runs/:id/events')
  @ApiOperation({
    summary: 'Progress of a run as Server-Sent Events',
    description:
      'Replays the events so far, then streams new ones until the `done` step. Each event is `event: progress` with ' +
      '`{seq, step: generate|test|analyze|fix|done, progress: 0-100, message, data, at}` and `id: <seq>`; send ' +
      '`Last-Event-ID` to resume after a disconnect. The run itself never depends on this connection.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event seq' })
  @ApiOkResponse({ description: 'text/event-stream', schema: { type: 'string', example: 'id: 1\nevent: progress\ndata: {"seq":1,"step":"generate","progress":5,"message":"Generating \\"SMA Crossover\\" with Gemini","data":{"status":"running"},"at":"2026-11-25T09:30:00.000Z"}\n\n' } })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such run, or not yours' })
  async events(
    @CurrentUser() user: AuthUser,
    @Param('id') runId: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.service.owned(user, runId); // 404 before the stream starts
    let last = /^\d{1,9}$/.test(lastEventId ?? '') ? Number(lastEventId) : 0;
    const queue: RunEvent[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = await this.service.subscribe(runId, (event) => {
      queue.push(event);
      wake?.();
    });
    const closed = new Promise<void>((resolve) => req.on('close', () => resolve()));
    let isClosed = false;
    void closed.then(() => (isClosed = true));
    try {
      await sendSse(res, req, async (send) => {
        const deliver = (event: RunEvent): boolean => {
          if (event.seq <= last) return false;
          send('progress', event, event.seq);
          last = event.seq;
          return event.step === 'done';
        };
        for (const event of await this.service.eventsAfter(runId, last)) if (deliver(event)) return;
        // A run that ended without a `done` event (the server stopped mid-run) ends the stream too.
        const run = await this.service.owned(user, runId);
        if (queue.length === 0 && ['succeeded', 'failed', 'cancelled'].includes(run.status) && run.step === 'done') {
          send('progress', { seq: last + 1, step: 'done', progress: 100, message: `Run ${run.status}`, data: { status: run.status }, at: run.updatedAt.toISOString() }, last + 1);
          return;
        }
        for (;;) {
          while (queue.length > 0) if (deliver(queue.shift()!)) return;
          const heartbeat = new Promise<'beat'>((resolve) => setTimeout(() => resolve('beat'), HEARTBEAT_MS).unref());
          const woke = await Promise.race([new Promise<'event'>((resolve) => (wake = () => resolve('event'))), closed.then(() => 'closed' as const), heartbeat]);
          wake = null;
          if (woke === 'closed' || isClosed) return;
          if (woke === 'beat') send('ping', {});
        }
      });
    } finally {
      unsubscribe();
    }
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
