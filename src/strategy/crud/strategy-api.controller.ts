import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../../common/error-body.dto';
import { StrategiesService } from './strategies.service';
import { StrategyApiHealthService } from './strategy-api-health.service';
import {
  CategoriesResponseDto,
  CreateStrategyRequestDto,
  CreateStrategyResponseDto,
  SearchStrategiesDto,
  SearchStrategiesResponseDto,
  StrategyApiHealthDto,
  StrategyApiUnhealthyDto,
} from './strategy.dto';
import { Idempotent } from '../../idempotency/idempotency';

/**
 * The non-AI actions of Django's StrategyAPIViewSet (`/api/strategies/api/`). Static paths only: the AI
 * actions on the same prefix (`generate_code/`, `validate_strategy_with_ai/`, `:id/update_strategy_with_ai/`…)
 * are other controllers'.
 */
@ApiTags('strategies')
@Authenticated()
@Controller('api/strategies/api')
export class StrategyApiController {
  constructor(
    private readonly strategies: StrategiesService,
    private readonly health: StrategyApiHealthService,
  ) {}

  @Idempotent()
  @Post('create_strategy')
  @ApiOperation({
    summary: 'Create a strategy on template_id, or with a new template "Template: {name}", then validate it in the background',
    description:
      'Status is validating in the answer and becomes valid or invalid when the background backtest ends (see validation_history/).',
  })
  @ApiCreatedResponse({ type: CreateStrategyResponseDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid fields, each named; `name` when taken' })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: '`template_id` is not yours nor a system template: {"error": "Template not found"}',
  })
  createStrategy(@CurrentUser() user: AuthUser, @Body() body: CreateStrategyRequestDto): Promise<CreateStrategyResponseDto> {
    return this.strategies.createWithTemplate(user, body);
  }

  @Post('search')
  @HttpCode(200)
  @ApiOperation({ summary: 'Search your strategies (every given filter must match), newest first' })
  @ApiOkResponse({ type: SearchStrategiesResponseDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  search(@CurrentUser() user: AuthUser, @Body() body: SearchStrategiesDto): Promise<SearchStrategiesResponseDto> {
    return this.strategies.search(user, body);
  }

  @Get('categories')
  @ApiOperation({ summary: 'Distinct categories of the templates you can see' })
  @ApiOkResponse({ type: CategoriesResponseDto })
  categories(@CurrentUser() user: AuthUser): Promise<CategoriesResponseDto> {
    return this.strategies.categories(user);
  }

  @Get('health')
  @ApiOperation({ summary: 'Strategy API health: database, counts, validator and generator availability' })
  @ApiOkResponse({ type: StrategyApiHealthDto })
  @ApiServiceUnavailableResponse({ type: StrategyApiUnhealthyDto, description: 'The database does not answer' })
  async healthCheck(@Res({ passthrough: true }) res: Response): Promise<StrategyApiHealthDto | StrategyApiUnhealthyDto> {
    const report = await this.health.check();
    if (!report.healthy) res.status(503);
    return report.body;
  }
}
