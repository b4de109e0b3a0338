import { Injectable } from '@nestjs/common';
import { JobContext, JobDefinition, RegisterJob } from '../../jobs/job-definition';
import type { VerifyAllSummaryDto } from './bot-performance.dto';
import { BotPerformanceService } from './bot-performance.service';
import { VERIFY_ALL_KIND, VerifyAllCommand, verifyAllCommand } from './verify-all.command';

/** `verify_all/` as a job: each strategy's bot in the sandbox, progress after each, the summary as result. */
@RegisterJob()
@Injectable()
export class VerifyAllJob implements JobDefinition<VerifyAllCommand, VerifyAllSummaryDto> {
  readonly kind = VERIFY_ALL_KIND;

  constructor(private readonly service: BotPerformanceService) {}

  validate(payload: unknown): VerifyAllCommand {
    return verifyAllCommand(payload);
  }

  handle(command: VerifyAllCommand, ctx: JobContext): Promise<VerifyAllSummaryDto> {
    return this.service.runVerifyAll(command, ctx);
  }
}
