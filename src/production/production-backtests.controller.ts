import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../common/error-body.dto';
import { PathId } from '../common/path-id';
import { RunSandboxDto } from './production.dto';
import {
  BACKTEST_CONFIG_EXAMPLE,
  BacktestRunResultDto,
  BacktestStatusDto,
  ConfigValidDto,
  ProductionHealthDto,
  SchemaInvalidDto,
} from './production-responses.dto';
import { ProductionBacktestsService } from './production-backtests.service';
import { ProductionHealthService } from './production-health.service';
import { ProductionValidationService } from './production-validation.service';

/** Django's `ProductionBacktestViewSet` (`/api/production/backtests/`). Static paths first. */
@ApiTags('production')
@Authenticated()
@Controller('api/production/backtests')
export class ProductionBacktestsController {
  constructor(
    private readonly validation: ProductionValidationService,
    private readonly service: ProductionBacktestsService,
    private readonly health: ProductionHealthService,
  ) {}

  @Post('validate-config')
  @HttpCode(200)
  @ApiOperation({ summary: 'Validate a backtest config (defaults filled in, advisory warnings)' })
  @ApiBody({ schema: { type: 'object', example: BACKTEST_CONFIG_EXAMPLE } })
  @ApiOkResponse({ type: ConfigValidDto })
  @ApiBadRequestResponse({ type: SchemaInvalidDto })
  validateConfig(@Body() body: Record<string, unknown>) {
    return this.validation.validateConfig(body);
  }

  @Post('run-sandbox')
  @HttpCode(200)
  @ApiOperation({
    summary: "Backtest your strategy's bot in the sandbox over one or more symbols and a date range",
    description: 'Real engine figures (no stub). A failing bot is a 200 with status failed and the error.',
  })
  @ApiOkResponse({ type: BacktestRunResultDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid fields, each named (config.<field> for the config)' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'Not your strategy, or no market data for a symbol' })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto, description: 'Too many bot runs waiting (Retry-After)' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'Market data unavailable; nothing recorded' })
  runSandbox(@CurrentUser() user: AuthUser, @Body() body: RunSandboxDto) {
    return this.service.runSandbox(user, body);
  }

  @Get('health')
  @ApiOperation({ summary: 'Whether the lifecycle store, static checker and sandbox answer' })
  @ApiOkResponse({ type: ProductionHealthDto })
  @ApiServiceUnavailableResponse({ type: ProductionHealthDto })
  async healthCheck(@Res({ passthrough: true }) res: Response) {
    const report = await this.health.backtests();
    if (!report.healthy) res.status(503);
    return report.body;
  }

  @Get(':id/status')
  @ApiParam({ name: 'id', example: 13, description: 'backtest_id from run-sandbox/' })
  @ApiOperation({ summary: 'A sandboxed backtest: status, times, results, the strategy state and its audit entries' })
  @ApiOkResponse({ type: BacktestStatusDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'id is not a positive integer' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such backtest, or not yours' })
  status(@CurrentUser() user: AuthUser, @PathId('id') id: number) {
    return this.service.status(user, id);
  }
}
