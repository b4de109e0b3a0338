import { Module } from '@nestjs/common';
import { StrategyVersionsRepository } from './strategy-versions.repository';

/**
 * The strategy version store on its own (database only), so the modules that run bots (strategies'
 * execute/, bot verification) can record which version ran without depending on the production module.
 */
@Module({
  providers: [StrategyVersionsRepository],
  exports: [StrategyVersionsRepository],
})
export class StrategyVersionsModule {}
