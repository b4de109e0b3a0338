import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
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
  @ApiOperation({ summary: 'Create an indicator value (staff)' })
  @ApiCreatedResponse({ type: IndicatorDataDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateIndicatorDataDto): Promise<IndicatorDataDto> {
    return this.indicators.createData(user, body);
  }

  @Get(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'One an indicator value' })
  @ApiOkResponse({ type: IndicatorDataDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  get(@PathId('id') id: number): Promise<IndicatorDataDto> {
    return this.indicators.getData(id);
  }

  @Put(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Replace an indicator value (staff)' })
  @ApiOkResponse({ type: IndicatorDataDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateIndicatorDataDto): Promise<IndicatorDataDto> {
    return this.indicators.updateData(user, id, body);
  }

  @Patch(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Change an indicator value (staff)' })
  @ApiOkResponse({ type: IndicatorDataDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateIndicatorDataDto): Promise<IndicatorDataDto> {
    return this.indicators.updateData(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Delete an indicator value (staff)' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.indicators.deleteData(user, id);
  }
}
