import { Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, requireUserId } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../common/error-body.dto';
import { StreamTicketDto } from './ai-developer.dto';
import { AiDeveloperService } from './ai-developer.service';
import { RunEventsStream } from './run-events.stream';
import { StreamAuthGuard, ticketAlreadyUsed } from './stream-auth.guard';
import { StreamTickets } from './stream-tickets';

const EXAMPLE_EVENT =
  'retry: 3000\nid: 1\nevent: progress\ndata: {"seq":1,"step":"generate","progress":5,"message":"Generating \\"SMA Crossover\\" with Gemini",' +
  '"data":{"status":"running"},"at":"2026-11-25T09:30:00.000Z"}\n\n';

/** The HTTP/SSE edge of AI developer runs: stream tickets for browsers and the events stream itself. */
@ApiTags('ai-developer')
@Controller('api/ai-developer/runs/:id/events')
export class RunEventsController {
  constructor(
    private readonly service: AiDeveloperService,
    private readonly tickets: StreamTickets,
    private readonly stream: RunEventsStream,
  ) {}

  @Post('ticket')
  @Authenticated({ allowAnonymous: false })
  @ApiOperation({
    summary: 'A single-use stream ticket for a browser EventSource (which cannot send Authorization)',
    description: 'Valid for 60 s, for this run only, for one stream: open `events_url` (`…/events?ticket=…`) with `new EventSource(url)`.',
  })
  @ApiCreatedResponse({ type: StreamTicketDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such run, or not yours' })
  async ticket(@CurrentUser() user: AuthUser, @Param('id') runId: string): Promise<StreamTicketDto> {
    const run = await this.service.owned(user, runId);
    const { ticket, expiresIn } = await this.tickets.issue({ ...user, id: requireUserId(user) }, run.id);
    return { ticket, expires_in: expiresIn, events_url: `/api/ai-developer/runs/${run.id}/events?ticket=${ticket}` };
  }

  @Get()
  @UseGuards(StreamAuthGuard)
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Progress of a run as Server-Sent Events',
    description:
      'Replays the events so far, then streams new ones until the `done` step. Each event is `event: progress` with ' +
      '`{seq, step: generate|test|analyze|fix|done, progress: 0-100, message, data, at}`, `id: <seq>` and `retry: 3000`. ' +
      'Authenticate with `Authorization: Bearer` or `?ticket=` (POST …/events/ticket). `Last-Event-ID` (or ' +
      '`?last_event_id=` on a new EventSource) resumes after that event, without repeats. A finished run with nothing ' +
      'after Last-Event-ID answers 204, which stops an EventSource from reconnecting.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event seq' })
  @ApiQuery({ name: 'ticket', required: false, description: 'Stream ticket instead of Authorization' })
  @ApiQuery({ name: 'last_event_id', required: false, description: 'Resume after this seq (a new EventSource cannot set the header)' })
  @ApiOkResponse({ description: 'text/event-stream', schema: { type: 'string', example: EXAMPLE_EVENT } })
  @ApiNoContentResponse({ description: 'The run has finished and the client has every event' })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'No token/ticket, or an invalid, expired or used ticket' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such run, or not yours' })
  async events(
    @CurrentUser() user: AuthUser,
    @Param('id') runId: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Query('last_event_id') lastEventQuery: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.stream.serve({ user, runId, lastEventId: lastEventId ?? lastEventQuery, ticketUsed: ticketAlreadyUsed(req) }, req, res);
  }
}
