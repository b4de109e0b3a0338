import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { PathId } from '../../common/path-id';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../../common/error-body.dto';
import { StrategiesService } from './strategies.service';
import {
  CreateStrategyDto,
  StrategyDto,
  StrategyListQueryDto,
  StrategyPageDto,
  StrategyPerformanceDto,
  StrategyValidationDto,
  UpdateStrategyDto,
  ValidateStrategyBodyDto,
  ValidateStrategyResultDto,
} from './strategy.dto';
import { DrfErrors } from '../../common/error-style';
import { Idempotent } from '../../idempotency/idempotency';

const ID = { name: 'id', example: 12, description: 'Strategy id' };

/**
 * Django's StrategyViewSet (`/api/strategies/strategies/`): your strategies (staff: everyone's). Someone
 * else's strategy answers 404, exactly like a missing one. The AI actions on this prefix
 * (`generate_with_ai/`, `available_indicators/`, `:id/fix_errors/`, `:id/execute/`, `:id/execution_history/`)
 * live in other controllers.
 */
@ApiTags('strategies')
@Authenticated()
@DrfErrors()
@Controller('api/strategies/strategies')
export class StrategiesController {
  constructor(private readonly strategies: StrategiesService) {}

  @Get()
  @ApiOperation({ summary: 'Your strategies, newest first, 50 per page (list shape: no code, no parameters)' })
  @ApiOkResponse({ type: StrategyPageDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'A bad query parameter, named' })
  list(@CurrentUser() user: AuthUser, @Query() query: StrategyListQueryDto): Promise<StrategyPageDto> {
    return this.strategies.list(user, query);
  }

  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Create a strategy' })
  @ApiCreatedResponse({ type: StrategyDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid fields, each named; `name` when (name, version) is taken' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateStrategyDto): Promise<StrategyDto> {
    return this.strategies.create(user, body);
  }

  @Get(':id')
  @ApiParam(ID)
  @ApiOperation({ summary: 'One of your strategies' })
  @ApiOkResponse({ type: StrategyDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'id is not a positive integer' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such strategy, or not yours' })
  get(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<StrategyDto> {
    return this.strategies.get(user, id);
  }

  @Put(':id')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Update a strategy (name and strategy_code required; other fields change only when sent)' })
  @ApiOkResponse({ type: StrategyDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateStrategyDto): Promise<StrategyDto> {
    return this.strategies.update(user, id, body);
  }

  @Patch(':id')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Change some fields of a strategy' })
  @ApiOkResponse({ type: StrategyDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateStrategyDto): Promise<StrategyDto> {
    return this.strategies.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam(ID)
  @ApiOperation({
    summary: 'Delete a strategy with its validations, performance records, comments and executions (templates are unlinked)',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.strategies.delete(user, id);
  }

  @Get(':id/validation_history')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Validation runs of a strategy, newest first (at most 100)' })
  @ApiOkResponse({ type: [StrategyValidationDto] })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  validationHistory(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<StrategyValidationDto[]> {
    return this.strategies.validationHistory(user, id);
  }

  @Get(':id/performance_history')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Performance records of a strategy, newest first (at most 100)' })
  @ApiOkResponse({ type: [StrategyPerformanceDto] })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  performanceHistory(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<StrategyPerformanceDto[]> {
    return this.strategies.performanceHistory(user, id);
  }

  @Post(':id/validate_strategy')
  @HttpCode(200)
  @ApiParam(ID)
  @ApiBody({ type: ValidateStrategyBodyDto, required: false })
  @ApiOperation({
    summary: "Validate the strategy's bot: static checks (syntax) and a sandboxed backtest on AAPL 1y/1d (backtest)",
    description: 'One StrategyValidation per type; the strategy becomes valid (all passed) or invalid, and last_validated is set.',
  })
  @ApiOkResponse({ type: ValidateStrategyResultDto })
  @ApiBadRequestResponse({ description: 'Bad body: {field: [messages]}' })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto, description: 'Too many bot runs waiting' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'Market data unavailable' })
  validate(
    @CurrentUser() user: AuthUser,
    @PathId('id') id: number,
    @Body() body: ValidateStrategyBodyDto,
  ): Promise<ValidateStrategyResultDto> {
    return this.strategies.validate(user, id, body);
  }
}
