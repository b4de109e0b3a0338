import { applyDecorators, Body, Controller, HttpCode, Patch, Post, Put } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { PathId } from '../../common/path-id';
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../../common/error-body.dto';
import { AiCaller, Caller } from '../../gemini/ai-caller';
import {
  CreateStrategyWithAiDto,
  CreateStrategyWithAiResponseDto,
  UpdateStrategyWithAiDto,
  UpdateStrategyWithAiResponseDto,
  ValidateStrategyDto,
  ValidateStrategyResponseDto,
  ValidationRejectedDto,
} from './strategy-ai.dto';
import { StrategyAiService } from './strategy-ai.service';
import { StrategyValidationService } from './strategy-validation.service';
import { Idempotent } from '../../idempotency/idempotency';

const GeminiErrors = () =>
  applyDecorators(
    ApiTooManyRequestsResponse({ type: ErrorBodyDto, description: 'Every Gemini key is busy; see Retry-After. Nothing is saved.' }),
    ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'No usable Gemini key' }),
    ApiBadGatewayResponse({ type: ErrorBodyDto, description: 'Gemini failed, or returned an invalid strategy twice (details.problems)' }),
  );

/** Django's StrategyAPIViewSet AI actions: validation with structured Gemini output, create and update from it. */
@ApiTags('strategy-ai')
@Authenticated()
@Controller('api/strategies/api')
export class StrategyAiController {
  constructor(
    private readonly validation: StrategyValidationService,
    private readonly ai: StrategyAiService,
  ) {}

  @Post('validate_strategy_with_ai')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Validate a strategy (text, numbered steps or a URL) with Gemini into canonical JSON; recorded in a conversation',
  })
  @ApiOkResponse({ type: ValidateStrategyResponseDto })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'Invalid body, use_gemini=false, or the URL was refused / could not be fetched',
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'session_id unknown or not yours' })
  @GeminiErrors()
  validate(
    @CurrentUser() user: AuthUser,
    @Body() body: ValidateStrategyDto,
    @Caller() caller: AiCaller,
  ): Promise<ValidateStrategyResponseDto> {
    return this.validation.validate(user, caller, body);
  }

  @Idempotent()
  @Post('create_strategy_with_ai')
  @ApiOperation({ summary: 'Validate with Gemini, then save the strategy and its auto template in one transaction' })
  @ApiCreatedResponse({ type: CreateStrategyWithAiResponseDto })
  @ApiBadRequestResponse({ type: ValidationRejectedDto, description: 'Validation did not succeed (with suggestions), or an invalid body' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'session_id or template_id unknown or not yours' })
  @GeminiErrors()
  create(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateStrategyWithAiDto,
    @Caller() caller: AiCaller,
  ): Promise<CreateStrategyWithAiResponseDto> {
    return this.ai.create(user, caller, body);
  }

  @Put(':id/update_strategy_with_ai')
  @ApiParam({ name: 'id', example: 12 })
  @ApiOperation({ summary: 'Re-validate with Gemini and overwrite the strategy; appended to its template chat history' })
  @ApiOkResponse({ type: UpdateStrategyWithAiResponseDto })
  @ApiBadRequestResponse({ type: ValidationRejectedDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'Strategy (or session) unknown or not yours' })
  @GeminiErrors()
  update(
    @CurrentUser() user: AuthUser,
    @PathId('id') id: number,
    @Body() body: UpdateStrategyWithAiDto,
    @Caller() caller: AiCaller,
  ): Promise<UpdateStrategyWithAiResponseDto> {
    return this.ai.update(user, caller, id, body);
  }

  @Patch(':id/update_strategy_with_ai')
  @ApiParam({ name: 'id', example: 12 })
  @ApiOperation({ summary: 'Same as PUT' })
  @ApiOkResponse({ type: UpdateStrategyWithAiResponseDto })
  @ApiBadRequestResponse({ type: ValidationRejectedDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @GeminiErrors()
  patch(
    @CurrentUser() user: AuthUser,
    @PathId('id') id: number,
    @Body() body: UpdateStrategyWithAiDto,
    @Caller() caller: AiCaller,
  ): Promise<UpdateStrategyWithAiResponseDto> {
    return this.ai.update(user, caller, id, body);
  }
}
