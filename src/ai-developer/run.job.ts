import { Injectable } from '@nestjs/common';
import { JobContext, JobDefinition, RegisterJob } from '../jobs/job-definition';
import { AiDeveloperService } from './ai-developer.service';
import { AI_RUN_KIND, RunCommand, runCommand } from './run.command';

/** Generate → test → fix, run by whichever worker takes it; resumable from the saved bot. */
@RegisterJob()
@Injectable()
export class AiDeveloperRunJob implements JobDefinition<RunCommand, Record<string, unknown>> {
  readonly kind = AI_RUN_KIND;

  constructor(private readonly service: AiDeveloperService) {}

  validate(payload: unknown): RunCommand {
    return runCommand(payload);
  }

  handle(command: RunCommand, ctx: JobContext): Promise<Record<string, unknown>> {
    return this.service.execute(command, ctx);
  }
}
