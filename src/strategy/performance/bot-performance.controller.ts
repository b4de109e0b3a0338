import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../../common/error-body.dto';
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
  @ApiOperation({ summary: 'Bot performance of your strategies (staff: all), most recently updated first' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiOkResponse({ type: BotPerformancePageDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  list(@CurrentUser() user: AuthUser, @Query('page') page?: string): Promise<BotPerformancePageDto> {
    return this.service.list(user, pageNumber(page));
  }

  @DjangoErrors()
  @Post('verify_bot')
  @HttpCode(200)
  @ApiOperation({ summary: "Run one strategy's bot once and record the verdict", description: VERIFIED_RULE })
  @ApiOkResponse({ type: VerifyBotResponseDto })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'Invalid fields, each named; or the strategy has no bot to run ({ strategy_code: [...] })',
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'Not your strategy; or the market data source has no such symbol ({ symbol })' })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto, description: 'Too many bot runs waiting (Retry-After); nothing recorded' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'Market data unavailable; nothing recorded' })
  verifyBot(@CurrentUser() user: AuthUser, @Body() body: VerifyBotDto): Promise<VerifyBotResponseDto> {
    return this.service.verifyBot(user, body);
  }

  @DjangoErrors()
  @Post('verify_all')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Verify your strategies (staff: all) that have a bot, one after the other (AAPL 1d, 1y, 10000, 0.002), as a job',
    description:
      `${VERIFIED_RULE} Untested strategies only unless force_retest. At most 100 per call, never or least recently tested first. ` +
      'Answers at once with the job; GET job_url for its state and summary (result: {total, verified, failed, testing, errors}), ' +
      'events_url for live progress; POST /api/jobs/{id}/cancel stops it.',
  })
  @ApiAcceptedResponse({ type: VerifyAllAcceptedDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid fields, each named (more than 100 strategy_ids…)' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'The job queue (Redis) is unavailable (Retry-After)' })
  verifyAll(@CurrentUser() user: AuthUser, @Body() body: VerifyAllDto): Promise<VerifyAllAcceptedDto> {
    return this.service.verifyAll(user, body);
  }

  @DjangoErrors()
  @Get('verified_bots')
  @ApiOperation({ summary: 'Your verified bots (staff: all), best total return first' })
  @ApiOkResponse({ type: VerifiedBotsDto })
  verifiedBots(@CurrentUser() user: AuthUser): Promise<VerifiedBotsDto> {
    return this.service.verifiedBots(user);
  }

  @DjangoErrors()
  @Get(':id/test_history')
  @ApiParam({ name: 'id', example: 7, description: 'Strategy id' })
  @ApiOperation({ summary: "A strategy's verification runs, newest first (at most 50)" })
  @ApiOkResponse({ type: TestHistoryDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'id is not a positive integer' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'Not your strategy' })
  testHistory(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<TestHistoryDto> {
    return this.service.testHistory(user, id);
  }

  @Get(':id')
  @ApiParam({ name: 'id', example: 7, description: 'Strategy id' })
  @ApiOperation({ summary: "A strategy's bot performance" })
  @ApiOkResponse({ type: BotPerformanceDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'id is not a positive integer' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'Never verified, or not your strategy' })
  get(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<BotPerformanceDto> {
    return this.service.get(user, id);
  }
}
