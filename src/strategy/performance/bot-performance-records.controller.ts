import { Body, Controller, Delete, HttpCode, Patch, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../../common/error-body.dto';
import { DrfErrors } from '../../common/error-style';
import { PathId } from '../records/params';
import { BotPerformanceDto, CreateBotPerformanceDto, UpdateBotPerformanceDto } from './bot-performance.dto';
import { BotPerformanceRecordsService } from './bot-performance-records.service';

const ID = { name: 'id', example: 7, description: 'Strategy id' };
const NOTES = { notes: { value: { verification_notes: 'Checked by hand on 2026-11-25' } } };

/**
 * The generic create/update/destroy routes of `/api/strategies/bot-performance/` (Django's ModelViewSet; its
 * POST always failed there). Ids are strategy ids; only `verification_notes` is writable.
 */
@ApiTags('strategies')
@Authenticated()
@DrfErrors()
@Controller('api/strategies/bot-performance')
export class BotPerformanceRecordsController {
  constructor(private readonly service: BotPerformanceRecordsService) {}

  @Post()
  @ApiOperation({
    summary: 'Start tracking one of your strategies (status untested until verify_bot/ runs it)',
    description: 'The verdict and the figures are read-only: they come from verify_bot/ or verify_all/.',
  })
  @ApiBody({ type: CreateBotPerformanceDto, examples: { track: { value: { strategy: 7, verification_notes: 'Queued for review' } } } })
  @ApiCreatedResponse({ type: BotPerformanceDto })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'DRF field errors: {"strategy": ["Invalid pk \\"9\\" - object does not exist."]} or "…already exists."',
  })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateBotPerformanceDto): Promise<BotPerformanceDto> {
    return this.service.create(user, body);
  }

  @Put(':id')
  @ApiParam(ID)
  @ApiOperation({ summary: "Replace a strategy's bot performance notes" })
  @ApiBody({ type: UpdateBotPerformanceDto, examples: NOTES })
  @ApiOkResponse({ type: BotPerformanceDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'id is not a positive integer, or a bad field' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'Never tracked, or not your strategy' })
  replace(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateBotPerformanceDto): Promise<BotPerformanceDto> {
    return this.service.update(user, id, body);
  }

  @Patch(':id')
  @ApiParam(ID)
  @ApiOperation({ summary: "Change a strategy's bot performance notes" })
  @ApiBody({ type: UpdateBotPerformanceDto, examples: NOTES })
  @ApiOkResponse({ type: BotPerformanceDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  update(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateBotPerformanceDto): Promise<BotPerformanceDto> {
    return this.service.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam(ID)
  @ApiOperation({ summary: "Delete a strategy's bot performance (its test_history/ runs stay)" })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.service.delete(user, id);
  }
}
