import { Injectable } from '@nestjs/common';
import { JobContext, JobDefinition, RegisterJob } from '../../jobs/job-definition';
import { AUTO_FIX_KIND, AutoFixCommand, autoFixCommand } from './auto-fix.command';
import { AutoFixResult, StrategyBotsService } from './strategy-bots.service';

/** Canonical JSON → bot → sandbox run → fix loop, saved at the end; the result is the endpoint's JSON body. */
@RegisterJob()
@Injectable()
export class GenerateWithAutoFixJob implements JobDefinition<AutoFixCommand, AutoFixResult> {
  readonly kind = AUTO_FIX_KIND;

  constructor(private readonly service: StrategyBotsService) {}

  validate(payload: unknown): AutoFixCommand {
    return autoFixCommand(payload);
  }

  handle(command: AutoFixCommand, ctx: JobContext): Promise<AutoFixResult> {
    return this.service.runAutoFix(command, ctx);
  }
}
