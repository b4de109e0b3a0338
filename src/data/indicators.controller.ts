import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ApiDocs } from '../common/api-docs';
import { pageNumber } from '../common/page';
import { PathId } from '../common/path-id';
import { CategoriesDto, CreateIndicatorDto, IndicatorDto, IndicatorPageDto, UpdateIndicatorDto } from './data-crud.dto';
import { IndicatorsService } from './indicators.service';

/** Django's `IndicatorViewSet` (`/api/data/indicators/`). */
@ApiTags('data')
@Authenticated()
@Controller('api/data/indicators')
export class DataIndicatorsController {
  constructor(private readonly indicators: IndicatorsService) {}

  @Get('categories')
  @ApiOperation({ summary: 'Each indicator category once' })
  @ApiOkResponse({ type: CategoriesDto })
  categories(): Promise<CategoriesDto> {
    return this.indicators.categories();
  }

  @Get()
  @ApiDocs({
    summary: 'Indicator definitions by category, name (pages of 50)',
    page: true,
    ok: IndicatorPageDto,
    400: 'A filter or page that is not valid, named',
  })
  list(@Query('page') page?: string): Promise<IndicatorPageDto> {
    return this.indicators.list(pageNumber(page));
  }

  @Post()
  @ApiDocs({ summary: 'Create an indicator definition (staff)', created: IndicatorDto, 400: true, 403: true })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateIndicatorDto): Promise<IndicatorDto> {
    return this.indicators.create(user, body);
  }

  @Get(':id')
  @ApiDocs({ summary: 'One an indicator definition', id: 1, ok: IndicatorDto, 404: true })
  get(@PathId('id') id: number): Promise<IndicatorDto> {
    return this.indicators.get(id);
  }

  @Put(':id')
  @ApiDocs({ summary: 'Replace an indicator definition (staff)', id: 1, ok: IndicatorDto, 400: true, 403: true, 404: true })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateIndicatorDto): Promise<IndicatorDto> {
    return this.indicators.update(user, id, body);
  }

  @Patch(':id')
  @ApiDocs({ summary: 'Change an indicator definition (staff)', id: 1, ok: IndicatorDto, 400: true, 403: true, 404: true })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateIndicatorDto): Promise<IndicatorDto> {
    return this.indicators.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDocs({ summary: 'Delete an indicator definition (staff)', id: 1, noContent: true, 403: true, 404: true })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.indicators.delete(user, id);
  }
}
