import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { JobContext, JobDefinition, RegisterJob } from '../../jobs/job-definition';
import { BotValidationService, VALIDATE_KIND } from './bot-validation.service';

export interface ValidateStrategyCommand {
  strategyId: number;
}

/** The background validation after `create_strategy/`: a sandboxed backtest that sets valid or invalid. */
@RegisterJob()
@Injectable()
export class ValidateStrategyJob implements JobDefinition<ValidateStrategyCommand, null> {
  readonly kind = VALIDATE_KIND;

  constructor(private readonly validation: BotValidationService) {}

  validate(payload: unknown): ValidateStrategyCommand {
    const id = (payload as { strategyId?: unknown } | null)?.strategyId;
    if (!Number.isInteger(id) || (id as number) < 1)
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: strategy_id', {
        strategy_id: ['strategy_id must be a positive integer'],
      });
    return { strategyId: id as number };
  }

  async handle(command: ValidateStrategyCommand, ctx: JobContext): Promise<null> {
    await this.validation.backgroundRun(command.strategyId, ctx.signal);
    return null;
  }
}
