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
import { CreateMarketDataDto, MarketDataDto, MarketDataPageDto, UpdateMarketDataDto } from './data-crud.dto';
import { MarketDataService } from './market-data.service';

/** Django's `MarketDataViewSet` (`/api/data/market-data/`). */
@ApiTags('data')
@Authenticated()
@Controller('api/data/market-data')
export class MarketDataController {
  constructor(private readonly bars: MarketDataService) {}

  @Get()
  @ApiOperation({ summary: 'Stored bars by timestamp (pages of 50); filter by symbol, interval, start_date, end_date' })
  @ApiQuery({ name: 'symbol', required: false, example: 'AAPL' })
  @ApiQuery({ name: 'interval', required: false, example: '1d' })
  @ApiQuery({ name: 'start_date', required: false, example: '2026-01-01' })
  @ApiQuery({ name: 'end_date', required: false, example: '2026-06-30' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiOkResponse({ type: MarketDataPageDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'A filter or page that is not valid, named' })
  list(
    @Query('symbol') symbol?: string,
    @Query('interval') interval?: string,
    @Query('start_date') start_date?: string,
    @Query('end_date') end_date?: string,
    @Query('page') page?: string,
  ): Promise<MarketDataPageDto> {
    return this.bars.list({ symbol, interval, start_date, end_date }, pageNumber(page));
  }

  @Post()
  @ApiOperation({ summary: 'Create a bar (staff)' })
  @ApiCreatedResponse({ type: MarketDataDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateMarketDataDto): Promise<MarketDataDto> {
    return this.bars.create(user, body);
  }

  @Get(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'One a bar' })
  @ApiOkResponse({ type: MarketDataDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  get(@PathId('id') id: number): Promise<MarketDataDto> {
    return this.bars.get(id);
  }

  @Put(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Replace a bar (staff)' })
  @ApiOkResponse({ type: MarketDataDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateMarketDataDto): Promise<MarketDataDto> {
    return this.bars.update(user, id, body);
  }

  @Patch(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Change a bar (staff)' })
  @ApiOkResponse({ type: MarketDataDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateMarketDataDto): Promise<MarketDataDto> {
    return this.bars.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Delete a bar (staff)' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.bars.delete(user, id);
  }
}
