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
import { BulkCreateSymbolsDto, CreateSymbolDto, SymbolDto, SymbolPageDto, UpdateSymbolDto } from './data-crud.dto';
import { SymbolsService } from './symbols.service';

/** Django's `SymbolViewSet` (`/api/data/symbols/`). */
@ApiTags('data')
@Authenticated()
@Controller('api/data/symbols')
export class SymbolsController {
  constructor(private readonly symbols: SymbolsService) {}

  @Post('bulk_create')
  @ApiOperation({ summary: 'Create the listed symbols that do not exist yet (staff); answers the new ones' })
  @ApiCreatedResponse({ type: [SymbolDto] })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'symbols not a list, or an item named by index' })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  bulkCreate(@CurrentUser() user: AuthUser, @Body() body: BulkCreateSymbolsDto): Promise<SymbolDto[]> {
    return this.symbols.bulkCreate(user, body);
  }

  @Get('search')
  @ApiOperation({ summary: 'Active symbols whose symbol or name contains q (any case), at most 200' })
  @ApiQuery({ name: 'q', example: 'app' })
  @ApiOkResponse({ type: [SymbolDto] })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'q missing or longer than 100 characters' })
  search(@Query('q') q?: string): Promise<SymbolDto[]> {
    return this.symbols.search(q);
  }

  @Get()
  @ApiOperation({ summary: 'All symbols, by symbol (pages of 50)' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiOkResponse({ type: SymbolPageDto })
  list(@Query('page') page?: string): Promise<SymbolPageDto> {
    return this.symbols.list(pageNumber(page));
  }

  @Post()
  @ApiOperation({ summary: 'Create a symbol (staff)' })
  @ApiCreatedResponse({ type: SymbolDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateSymbolDto): Promise<SymbolDto> {
    return this.symbols.create(user, body);
  }

  @Get(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'One symbol' })
  @ApiOkResponse({ type: SymbolDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  get(@PathId('id') id: number): Promise<SymbolDto> {
    return this.symbols.get(id);
  }

  @Put(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Replace a symbol (staff)' })
  @ApiOkResponse({ type: SymbolDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateSymbolDto): Promise<SymbolDto> {
    return this.symbols.update(user, id, body);
  }

  @Patch(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Change a symbol (staff)' })
  @ApiOkResponse({ type: SymbolDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateSymbolDto): Promise<SymbolDto> {
    return this.symbols.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Delete a symbol with its bars, indicator values and requests (staff)' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.symbols.delete(user, id);
  }
}
