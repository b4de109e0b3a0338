import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ApiDocs } from '../../common/api-docs';
import { ErrorBodyDto } from '../../common/error-body.dto';
import { optionalBool, pageNumber, PathId } from './params';
import {
  CreateTemplateDto,
  SyncFromStrategyDto,
  SyncFromStrategyResponseDto,
  TemplateContextDto,
  TemplateDto,
  TemplatePageDto,
  UpdateTemplateDto,
} from './templates.dto';
import { TemplatesService } from './templates.service';
import { DjangoErrors, DrfErrors } from '../../common/error-style';
import { Idempotent } from '../../idempotency/idempotency';

/** Django's `StrategyTemplateViewSet` (`/api/strategies/templates/`). */
@ApiTags('strategies')
@Authenticated()
@DrfErrors()
@Controller('api/strategies/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOperation({ summary: 'Your templates and the system ones (staff: all), by category then name' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiQuery({ name: 'category', required: false, example: 'momentum' })
  @ApiQuery({ name: 'is_active', required: false, example: 'true' })
  @ApiOkResponse({ type: TemplatePageDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  list(
    @CurrentUser() user: AuthUser,
    @Query('page') page?: string,
    @Query('category') category?: string,
    @Query('is_active') isActive?: string,
  ): Promise<TemplatePageDto> {
    return this.templates.list(user, pageNumber(page), { category: category || undefined, isActive: optionalBool(isActive, 'is_active') });
  }

  @Idempotent()
  @Post()
  @ApiDocs({
    summary: 'Create a template (name unique)',
    created: TemplateDto,
    400: 'Invalid fields, each named (a taken name included)',
    403: 'is_system_template from a non-staff account',
  })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateTemplateDto): Promise<TemplateDto> {
    return this.templates.create(user, body);
  }

  @Get(':id')
  @ApiDocs({ summary: 'One template', id: 1, ok: TemplateDto, 404: 'No such template, or not yours' })
  get(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<TemplateDto> {
    return this.templates.get(user, id);
  }

  @Put(':id')
  @ApiDocs({
    summary: 'Update a template (name required)',
    id: 1,
    ok: TemplateDto,
    400: true,
    403: 'A system template, from a non-staff account',
    404: true,
  })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateTemplateDto): Promise<TemplateDto> {
    return this.templates.update(user, id, body);
  }

  @Patch(':id')
  @ApiDocs({
    summary: 'Change some fields of a template',
    id: 1,
    ok: TemplateDto,
    400: true,
    403: 'A system template, from a non-staff account',
    404: true,
  })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateTemplateDto): Promise<TemplateDto> {
    return this.templates.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDocs({
    summary: 'Delete a template (strategies using it keep going without one)',
    id: 1,
    noContent: true,
    403: 'A system template, from a non-staff account',
    404: true,
  })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.templates.delete(user, id);
  }

  @DjangoErrors()
  @Post(':id/sync_from_strategy')
  @HttpCode(200)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: "Copy a strategy's latest code/parameters into the template and note the chat message (last 50 kept)" })
  @ApiOkResponse({ type: SyncFromStrategyResponseDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto, description: 'A system template without force_update from a staff account' })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  sync(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: SyncFromStrategyDto): Promise<SyncFromStrategyResponseDto> {
    return this.templates.syncFromStrategy(user, id, body);
  }

  @Get(':id/get_context')
  @ApiDocs({ summary: 'The template, its linked strategy and a summary, as AI context', id: 1, ok: TemplateContextDto, 404: true })
  context(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<TemplateContextDto> {
    return this.templates.context(user, id);
  }
}
