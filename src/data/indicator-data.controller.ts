import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ApiDocs } from '../common/api-docs';
import { ErrorBodyDto } from '../common/error-body.dto';
import { pageNumber } from '../common/page';
import { PathId } from '../common/path-id';
import { CreateIndicatorDataDto, IndicatorDataDto, IndicatorDataPageDto, UpdateIndicatorDataDto } from './data-crud.dto';
import { IndicatorsService } from './indicators.service';

/** Django's `IndicatorDataViewSet` (`/api/data/indicator-data/`). */
@ApiTags('data')
@Authenticated()
@Controller('api/data/indicator-data')
export class IndicatorDataController {
  constructor(private readonly indicators: IndicatorsService) {}

  @Get()
  @ApiOperation({ summary: 'Stored indicator values by timestamp; filter by symbol, indicator (name), interval' })
  @ApiQuery({ name: 'symbol', required: false, example: 'AAPL' })
  @ApiQuery({ name: 'indicator', required: false, example: 'sma' })
  @ApiQuery({ name: 'interval', required: false, example: '1d' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiOkResponse({ type: IndicatorDataPageDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'A filter or page that is not valid, named' })
  list(
    @Query('symbol') symbol?: string,
    @Query('indicator') indicator?: string,
    @Query('interval') interval?: string,
    @Query('page') page?: string,
  ): Promise<IndicatorDataPageDto> {
    return this.indicators.listData({ symbol, indicator, interval }, pageNumber(page));
  }

  @Post()
  @ApiDocs({ summary: 'Create an indicator value (staff)', created: IndicatorDataDto, 400: true, 403: true })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateIndicatorDataDto): Promise<IndicatorDataDto> {
    return this.indicators.createData(user, body);
  }

  @Get(':id')
  @ApiDocs({ summary: 'One an indicator value', id: 1, ok: IndicatorDataDto, 404: true })
  get(@PathId('id') id: number): Promise<IndicatorDataDto> {
    return this.indicators.getData(id);
  }

  @Put(':id')
  @ApiDocs({ summary: 'Replace an indicator value (staff)', id: 1, ok: IndicatorDataDto, 400: true, 403: true, 404: true })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateIndicatorDataDto): Promise<IndicatorDataDto> {
    return this.indicators.updateData(user, id, body);
  }

  @Patch(':id')
  @ApiDocs({ summary: 'Change an indicator value (staff)', id: 1, ok: IndicatorDataDto, 400: true, 403: true, 404: true })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateIndicatorDataDto): Promise<IndicatorDataDto> {
    return this.indicators.updateData(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDocs({ summary: 'Delete an indicator value (staff)', id: 1, noContent: true, 403: true, 404: true })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.indicators.deleteData(user, id);
  }
}
