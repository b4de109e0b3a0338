import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ApiDocs } from '../common/api-docs';
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
  @ApiDocs({ summary: 'Create a bar (staff)', created: MarketDataDto, 400: true, 403: true })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateMarketDataDto): Promise<MarketDataDto> {
    return this.bars.create(user, body);
  }

  @Get(':id')
  @ApiDocs({ summary: 'One a bar', id: 1, ok: MarketDataDto, 404: true })
  get(@PathId('id') id: number): Promise<MarketDataDto> {
    return this.bars.get(id);
  }

  @Put(':id')
  @ApiDocs({ summary: 'Replace a bar (staff)', id: 1, ok: MarketDataDto, 400: true, 403: true, 404: true })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateMarketDataDto): Promise<MarketDataDto> {
    return this.bars.update(user, id, body);
  }

  @Patch(':id')
  @ApiDocs({ summary: 'Change a bar (staff)', id: 1, ok: MarketDataDto, 400: true, 403: true, 404: true })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateMarketDataDto): Promise<MarketDataDto> {
    return this.bars.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDocs({ summary: 'Delete a bar (staff)', id: 1, noContent: true, 403: true, 404: true })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.bars.delete(user, id);
  }
}
