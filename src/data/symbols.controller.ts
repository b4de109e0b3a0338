import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ApiDocs } from '../common/api-docs';
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
  @ApiDocs({
    summary: 'Create the listed symbols that do not exist yet (staff); answers the new ones',
    created: [SymbolDto],
    400: 'symbols not a list, or an item named by index',
    403: true,
  })
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
  @ApiDocs({ summary: 'All symbols, by symbol (pages of 50)', page: true, ok: SymbolPageDto })
  list(@Query('page') page?: string): Promise<SymbolPageDto> {
    return this.symbols.list(pageNumber(page));
  }

  @Post()
  @ApiDocs({ summary: 'Create a symbol (staff)', created: SymbolDto, 400: true, 403: true })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateSymbolDto): Promise<SymbolDto> {
    return this.symbols.create(user, body);
  }

  @Get(':id')
  @ApiDocs({ summary: 'One symbol', id: 1, ok: SymbolDto, 404: true })
  get(@PathId('id') id: number): Promise<SymbolDto> {
    return this.symbols.get(id);
  }

  @Put(':id')
  @ApiDocs({ summary: 'Replace a symbol (staff)', id: 1, ok: SymbolDto, 400: true, 403: true, 404: true })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateSymbolDto): Promise<SymbolDto> {
    return this.symbols.update(user, id, body);
  }

  @Patch(':id')
  @ApiDocs({ summary: 'Change a symbol (staff)', id: 1, ok: SymbolDto, 400: true, 403: true, 404: true })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateSymbolDto): Promise<SymbolDto> {
    return this.symbols.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDocs({
    summary: 'Delete a symbol with its bars, indicator values and requests (staff)',
    id: 1,
    noContent: true,
    403: true,
    404: true,
  })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.symbols.delete(user, id);
  }
}
