import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ApiDocs } from '../../common/api-docs';
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
  @ApiDocs({
    summary: 'Record the performance of one of your strategies',
    created: PerformanceDto,
    400: 'Invalid fields, each named (a strategy that is not yours included)',
  })
  create(@CurrentUser() user: AuthUser, @Body() body: CreatePerformanceDto): Promise<PerformanceDto> {
    return this.records.createPerformance(user, body);
  }

  @Get(':id')
  @ApiDocs({
    summary: 'One performance record',
    id: 1,
    ok: PerformanceDto,
    400: 'id is not a positive integer',
    404: 'No such record, or not on your strategy',
  })
  get(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<PerformanceDto> {
    return this.records.getPerformance(user, id);
  }

  @Put(':id')
  @ApiDocs({ summary: 'Update a performance record (strategy required)', id: 1, ok: PerformanceDto, 400: true, 404: true })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreatePerformanceDto): Promise<PerformanceDto> {
    return this.records.updatePerformance(user, id, body);
  }

  @Patch(':id')
  @ApiDocs({ summary: 'Change some fields of a performance record', id: 1, ok: PerformanceDto, 400: true, 404: true })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdatePerformanceDto): Promise<PerformanceDto> {
    return this.records.updatePerformance(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDocs({ summary: 'Delete a performance record', id: 1, noContent: true, 404: true })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.records.deletePerformance(user, id);
  }
}
