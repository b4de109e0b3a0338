import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../../common/error-body.dto';
import { optionalId, pageNumber, PathId } from './params';
import { CreatePerformanceDto, PerformanceDto, PerformancePageDto, UpdatePerformanceDto } from './records.dto';
import { RecordsService } from './records.service';
import { DrfErrors } from '../../common/error-style';

/** Django's `StrategyPerformanceViewSet` (`/api/strategies/performance/`). */
@ApiTags('strategies')
@Authenticated()
@DrfErrors()
@Controller('api/strategies/performance')
export class PerformanceController {
  constructor(private readonly records: RecordsService) {}

  @Get()
  @ApiOperation({ summary: 'Performance records of your strategies (staff: all), newest first' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiQuery({ name: 'strategy', required: false, example: 7, description: 'Only this strategy' })
  @ApiOkResponse({ type: PerformancePageDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  list(@CurrentUser() user: AuthUser, @Query('page') page?: string, @Query('strategy') strategy?: string): Promise<PerformancePageDto> {
    return this.records.listPerformance(user, pageNumber(page), optionalId(strategy, 'strategy'));
  }

  @Post()
  @ApiOperation({ summary: 'Record the performance of one of your strategies' })
  @ApiCreatedResponse({ type: PerformanceDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid fields, each named (a strategy that is not yours included)' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreatePerformanceDto): Promise<PerformanceDto> {
    return this.records.createPerformance(user, body);
  }

  @Get(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'One performance record' })
  @ApiOkResponse({ type: PerformanceDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'id is not a positive integer' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such record, or not on your strategy' })
  get(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<PerformanceDto> {
    return this.records.getPerformance(user, id);
  }

  @Put(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Update a performance record (strategy required)' })
  @ApiOkResponse({ type: PerformanceDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreatePerformanceDto): Promise<PerformanceDto> {
    return this.records.updatePerformance(user, id, body);
  }

  @Patch(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Change some fields of a performance record' })
  @ApiOkResponse({ type: PerformanceDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdatePerformanceDto): Promise<PerformanceDto> {
    return this.records.updatePerformance(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Delete a performance record' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.records.deletePerformance(user, id);
  }
}
