import { Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../common/error-body.dto';
import { JobDto, jobJson } from './jobs.dto';
import { streamJobEvents } from './jobs-sse';
import { JobsService } from './jobs.service';

const EVENTS_EXAMPLE =
  'id: 1\nevent: started\ndata: {"seq":1,"type":"started","attempt":1,"at":"2026-11-25T09:30:00.000Z"}\n\n' +
  'id: 2\nevent: progress\ndata: {"seq":2,"type":"progress","progress":5,"done":1,"total":20,"at":"2026-11-25T09:30:01.000Z"}\n\n';

/** Long work (verify_all, validations, AI developer runs, backtests) as jobs: state, live events, cancel. */
@ApiTags('jobs')
@Authenticated()
@Controller('api/jobs')
export class JobsController {
  constructor(private readonly service: JobsService) {}

  @Get(':id')
  @ApiOperation({ summary: 'State, progress and outcome of one of your jobs' })
  @ApiOkResponse({ type: JobDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such job, or not yours' })
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<JobDto> {
    return jobJson(await this.service.owned(user, id));
  }

  @Get(':id/events')
  @ApiOperation({
    summary: "A job's events as Server-Sent Events, from any replica",
    description:
      'Replays the stored events, then streams live ones until `done` (`{status: succeeded|failed|cancelled}`). Types: ' +
      '`started`, `progress` `{progress, …}`, `waiting` (busy keys: delayed by their Retry-After), `retrying`, `resumed` ' +
      '(the job runs again after its worker stopped), `done`, plus kind-specific ones. `id:` is the seq; send ' +
      '`Last-Event-ID` to resume.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this seq' })
  @ApiOkResponse({ description: 'text/event-stream', schema: { type: 'string', example: EVENTS_EXAMPLE } })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such job, or not yours' })
  events(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Headers('last-event-id') last: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return streamJobEvents(this.service, user, id, last, req, res);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a job: taken out of line, or stopped where it runs (sandbox killed, Gemini call dropped)' })
  @ApiOkResponse({ type: JobDto, description: 'The job after the request (cancelled, or already finished as it was)' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such job, or not yours' })
  async cancel(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<JobDto> {
    return jobJson(await this.service.cancel(user, id));
  }
}
