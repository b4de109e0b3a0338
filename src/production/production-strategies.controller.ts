import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
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
import { DeployDto, RollbackDto, SandboxTestDto } from './production.dto';
import {
  BOT_CODE_EXAMPLE,
  CodeRejectedDto,
  CodeValidatedDto,
  DeployRefusedDto,
  DeployResultDto,
  LifecycleDto,
  ProductionHealthDto,
  RollbackResultDto,
  SandboxTestResultDto,
  SchemaInvalidDto,
  SchemaValidDto,
  STRATEGY_DEFINITION_EXAMPLE,
  VersionDto,
  VersionListDto,
} from './production-responses.dto';
import { ProductionHealthService } from './production-health.service';
import { ProductionStrategiesService } from './production-strategies.service';
import { ProductionValidationService } from './production-validation.service';

const ID = { name: 'id', example: 7, description: 'Strategy id (yours)' };

/** Django's `ProductionStrategyViewSet` (`/api/production/strategies/`), on this project's parts. Static paths first. */
@ApiTags('production')
@Authenticated()
@Controller('api/production/strategies')
export class ProductionStrategiesController {
  constructor(
    private readonly validation: ProductionValidationService,
    private readonly service: ProductionStrategiesService,
    private readonly health: ProductionHealthService,
  ) {}

  @Post('validate-schema')
  @HttpCode(200)
  @ApiOperation({ summary: 'Validate a StrategyDefinition document (schema 2.0.0); every problem named by its field path' })
  @ApiBody({ schema: { type: 'object', example: STRATEGY_DEFINITION_EXAMPLE } })
  @ApiOkResponse({ type: SchemaValidDto })
  @ApiBadRequestResponse({ type: SchemaInvalidDto })
  validateSchema(@Body() body: Record<string, unknown>) {
    return this.validation.validateSchema(body);
  }

  @Post('validate-code')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run the bot static checks (syntax, sandbox rules, module contract) on code; strict_mode only sets the severity label',
  })
  @ApiBody({ schema: { type: 'object', example: { code: BOT_CODE_EXAMPLE, strict_mode: true } } })
  @ApiOkResponse({ type: CodeValidatedDto })
  @ApiBadRequestResponse({ type: CodeRejectedDto, description: "Rejected code; or { error: 'No code provided' }" })
  validateCode(@Body() body: Record<string, unknown>) {
    return this.validation.validateCode(body);
  }

  @Post('sandbox-test')
  @HttpCode(200)
  @ApiOperation({
    summary: "Run your strategy's bot in the sandbox once (testing → ready | failed)",
    description: 'Exit status, output, timeout flag and resource usage of the real run. A failing bot is a 200 with success false.',
  })
  @ApiOkResponse({ type: SandboxTestResultDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid fields, each named; or the strategy has no bot ({ strategy_code })' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'Not your strategy, or no market data for the symbol' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The strategy is archived' })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto, description: 'Too many bot runs waiting (Retry-After)' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'Market data unavailable; nothing recorded' })
  sandboxTest(@CurrentUser() user: AuthUser, @Body() body: SandboxTestDto) {
    return this.service.sandboxTest(user, body);
  }

  @Get('health')
  @ApiOperation({ summary: 'Whether the lifecycle store, static checker, sandbox and version store answer' })
  @ApiOkResponse({ type: ProductionHealthDto })
  @ApiServiceUnavailableResponse({ type: ProductionHealthDto, description: "overall 'degraded': a component is unavailable" })
  async healthCheck(@Res({ passthrough: true }) res: Response) {
    const report = await this.health.strategies();
    if (!report.healthy) res.status(503);
    return report.body;
  }

  @Get(':id/lifecycle')
  @ApiParam(ID)
  @ApiOperation({ summary: "The strategy's lifecycle state, counters, timestamps and audit log (who did what, when)" })
  @ApiOkResponse({ type: LifecycleDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such strategy, or not yours' })
  lifecycle(@CurrentUser() user: AuthUser, @PathId('id') id: number) {
    return this.service.lifecycleOf(user, id);
  }

  @Post(':id/deploy')
  @HttpCode(200)
  @ApiParam(ID)
  @ApiOperation({
    summary: 'Freeze the current code, parameters and passing test into the next immutable version and make it current',
    description: 'Allowed only when the newest sandbox test of exactly this code passed and the strategy is ready.',
  })
  @ApiOkResponse({ type: DeployResultDto })
  @ApiBadRequestResponse({
    type: DeployRefusedDto,
    description: 'No passing sandbox test of this exact code, or the strategy is not ready',
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'Tag already used, or a concurrent deploy won' })
  deploy(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: DeployDto) {
    return this.service.deploy(user, id, body);
  }

  @Post(':id/rollback')
  @HttpCode(200)
  @ApiParam(ID)
  @ApiOperation({ summary: "Make an earlier version current again: the strategy's code and parameters become that version's" })
  @ApiOkResponse({ type: RollbackResultDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid fields, or more than one of version / commit_hash / tag' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such strategy or version' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'Nothing to roll back to, or the strategy is archived' })
  rollback(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: RollbackDto) {
    return this.service.rollback(user, id, body);
  }

  @Get(':id/versions')
  @ApiParam(ID)
  @ApiOperation({ summary: "The strategy's versions, newest first (without code)" })
  @ApiOkResponse({ type: VersionListDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  versions(@CurrentUser() user: AuthUser, @PathId('id') id: number) {
    return this.service.listVersions(user, id);
  }

  @Get(':id/versions/:number')
  @ApiParam(ID)
  @ApiParam({ name: 'number', example: 1, description: 'Version number' })
  @ApiOperation({ summary: 'One version with its frozen code, parameters and test result' })
  @ApiOkResponse({ type: VersionDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  version(@CurrentUser() user: AuthUser, @PathId('id') id: number, @PathId('number') number: number) {
    return this.service.version(user, id, number);
  }
}
