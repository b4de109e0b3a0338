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
  @ApiOperation({ summary: 'Indicator definitions by category, name (pages of 50)' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiOkResponse({ type: IndicatorPageDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'A filter or page that is not valid, named' })
  list(@Query('page') page?: string): Promise<IndicatorPageDto> {
    return this.indicators.list(pageNumber(page));
  }

  @Post()
  @ApiOperation({ summary: 'Create an indicator definition (staff)' })
  @ApiCreatedResponse({ type: IndicatorDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateIndicatorDto): Promise<IndicatorDto> {
    return this.indicators.create(user, body);
  }

  @Get(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'One an indicator definition' })
  @ApiOkResponse({ type: IndicatorDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  get(@PathId('id') id: number): Promise<IndicatorDto> {
    return this.indicators.get(id);
  }

  @Put(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Replace an indicator definition (staff)' })
  @ApiOkResponse({ type: IndicatorDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateIndicatorDto): Promise<IndicatorDto> {
    return this.indicators.update(user, id, body);
  }

  @Patch(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Change an indicator definition (staff)' })
  @ApiOkResponse({ type: IndicatorDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateIndicatorDto): Promise<IndicatorDto> {
    return this.indicators.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Delete an indicator definition (staff)' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.indicators.delete(user, id);
  }
}
