import { Module } from '@nestjs/common';
import { StrategyCoreModule } from '../strategy-core.module';
import { BacktestResultsController } from './backtest-results.controller';
import { BacktestResultsRepository } from './backtest-results.repository';
import { BacktestResultsService } from './backtest-results.service';
import { CommentsController } from './comments.controller';
import { CommentsRepository } from './comments.repository';
import { CommentsService } from './comments.service';
import { PerformanceController } from './performance.controller';
import { RecordsRepository } from './records.repository';
import { RecordsService } from './records.service';
import { TagsController } from './tags.controller';
import { TagsRepository } from './tags.repository';
import { TagsService } from './tags.service';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';
import { ValidationsController } from './validations.controller';

/**
 * The plain CRUD around strategies (Django's template, validation, performance, comment, tag and
 * latest-backtest viewsets): `/api/strategies/{templates,validations,performance,comments,tags,backtest-results}/`.
 */
@Module({
  imports: [StrategyCoreModule],
  controllers: [
    TemplatesController,
    ValidationsController,
    PerformanceController,
    CommentsController,
    TagsController,
    BacktestResultsController,
  ],
  providers: [
    TemplatesService,
    RecordsRepository,
    RecordsService,
    CommentsRepository,
    CommentsService,
    TagsRepository,
    TagsService,
    BacktestResultsRepository,
    BacktestResultsService,
  ],
})
export class StrategyRecordsModule {}
