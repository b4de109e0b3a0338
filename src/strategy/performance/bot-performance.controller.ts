import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ApiDocs } from '../../common/api-docs';
import { pageNumber, PathId } from '../records/params';
import {
  BotPerformanceDto,
  BotPerformancePageDto,
  TestHistoryDto,
  VerifiedBotsDto,
  VerifyAllAcceptedDto,
  VerifyAllDto,
  VerifyAllSummaryDto,
  VerifyBotDto,
  VerifyBotResponseDto,
} from './bot-performance.dto';
import { BotPerformanceService } from './bot-performance.service';
import { DjangoErrors, DrfErrors } from '../../common/error-style';

const VERIFIED_RULE = 'Verified = the run finished without error AND made at least one trade; otherwise failed.';
const STRATEGY_ID = { name: 'id', example: 7, description: 'Strategy id' };
const BAD_ID = 'id is not a positive integer';

/**
 * Django's `BotPerformanceViewSet` (`/api/strategies/bot-performance/`): verify strategies' bots and read the
 * verdicts. Ids are strategy ids. Static actions are declared before `:id`.
 */
@ApiTags('strategies')
@ApiExtraModels(VerifyAllSummaryDto) // the verify_all job's result (GET /api/jobs/{id} → result)
@Authenticated()
@DrfErrors()
@Controller('api/strategies/bot-performance')
export class BotPerformanceController {
  constructor(private readonly service: BotPerformanceService) {}

  @Get()
  @ApiDocs({
    summary: 'Bot performance of your strategies (staff: all), most recently updated first',
    page: true,
    ok: BotPerformancePageDto,
    400: true,
  })
  list(@CurrentUser() user: AuthUser, @Query('page') page?: string): Promise<BotPerformancePageDto> {
    return this.service.list(user, pageNumber(page));
  }

  @DjangoErrors()
  @Post('verify_bot')
  @HttpCode(200)
  @ApiDocs({
    summary: "Run one strategy's bot once and record the verdict",
    description: VERIFIED_RULE,
    ok: VerifyBotResponseDto,
    400: 'Invalid fields, each named; or the strategy has no bot to run ({ strategy_code: [...] })',
    404: 'Not your strategy; or the market data source has no such symbol ({ symbol })',
    429: 'Too many bot runs waiting (Retry-After); nothing recorded',
    503: 'Market data unavailable; nothing recorded',
  })
  verifyBot(@CurrentUser() user: AuthUser, @Body() body: VerifyBotDto): Promise<VerifyBotResponseDto> {
    return this.service.verifyBot(user, body);
  }

  @DjangoErrors()
  @Post('verify_all')
  @HttpCode(202)
  @ApiDocs({
    summary: 'Verify your strategies (staff: all) that have a bot, one after the other (AAPL 1d, 1y, 10000, 0.002), as a job',
    description:
      `${VERIFIED_RULE} Untested strategies only unless force_retest. At most 100 per call, never or least recently tested first. ` +
      'Answers at once with the job; GET job_url for its state and summary (result: {total, verified, failed, testing, errors}), ' +
      'events_url for live progress; POST /api/jobs/{id}/cancel stops it.',
    accepted: VerifyAllAcceptedDto,
    400: 'Invalid fields, each named (more than 100 strategy_ids…)',
    503: 'The job queue (Redis) is unavailable (Retry-After)',
  })
  verifyAll(@CurrentUser() user: AuthUser, @Body() body: VerifyAllDto): Promise<VerifyAllAcceptedDto> {
    return this.service.verifyAll(user, body);
  }

  @DjangoErrors()
  @Get('verified_bots')
  @ApiDocs({ summary: 'Your verified bots (staff: all), best total return first', ok: VerifiedBotsDto })
  verifiedBots(@CurrentUser() user: AuthUser): Promise<VerifiedBotsDto> {
    return this.service.verifiedBots(user);
  }

  @DjangoErrors()
  @Get(':id/test_history')
  @ApiDocs({
    summary: "A strategy's verification runs, newest first (at most 50)",
    param: STRATEGY_ID,
    ok: TestHistoryDto,
    400: BAD_ID,
    404: 'Not your strategy',
  })
  testHistory(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<TestHistoryDto> {
    return this.service.testHistory(user, id);
  }

  @Get(':id')
  @ApiDocs({
    summary: "A strategy's bot performance",
    param: STRATEGY_ID,
    ok: BotPerformanceDto,
    400: BAD_ID,
    404: 'Never verified, or not your strategy',
  })
  get(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<BotPerformanceDto> {
    return this.service.get(user, id);
  }
}
