import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { DomainError, ErrorCode } from '../common/domain-error';
import { IntegerIdPipe } from '../common/path-id';
import { ApiDocs } from '../common/api-docs';
import { pageNumber } from '../common/page';
import { AiContextDto, AiContextPageDto, CreateAiContextDto, UpdateAiContextDto } from './ai-context.dto';
import { AiContextsService } from './ai-contexts.service';
import { DrfErrors } from '../common/error-style';

const ContextId = new IntegerIdPipe(() => new DomainError(ErrorCode.NotFound, 'Not found', 'AI context ids are positive integers'));

/** Django's `AIContextViewSet` (`/api/auth/ai-contexts/`): your own saved assistant instructions. */
@ApiTags('auth')
@ApiBearerAuth()
@Authenticated({ allowAnonymous: false })
@DrfErrors()
@Controller('api/auth/ai-contexts')
export class AiContextsController {
  constructor(private readonly contexts: AiContextsService) {}

  @Get()
  @ApiDocs({ summary: 'Your AI contexts, most recently used first', page: true, ok: AiContextPageDto })
  list(@CurrentUser() user: AuthUser, @Query('page') page?: string): Promise<AiContextPageDto> {
    return this.contexts.list(user, pageNumber(page));
  }

  @Post()
  @ApiDocs({ summary: 'Save a new AI context', created: AiContextDto, 400: 'Invalid fields, each named' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateAiContextDto): Promise<AiContextDto> {
    return this.contexts.create(user, body);
  }

  @Get(':id')
  @ApiDocs({ summary: 'One of your AI contexts', id: 1, ok: AiContextDto, 404: 'No such context, or not yours' })
  get(@CurrentUser() user: AuthUser, @Param('id', ContextId) id: number): Promise<AiContextDto> {
    return this.contexts.get(user, id);
  }

  @Put(':id')
  @ApiDocs({ summary: 'Replace an AI context (session_name required)', id: 1, ok: AiContextDto, 400: true, 404: true })
  put(@CurrentUser() user: AuthUser, @Param('id', ContextId) id: number, @Body() body: CreateAiContextDto): Promise<AiContextDto> {
    return this.contexts.update(user, id, body);
  }

  @Patch(':id')
  @ApiDocs({ summary: 'Change some fields of an AI context', id: 1, ok: AiContextDto, 400: true, 404: true })
  patch(@CurrentUser() user: AuthUser, @Param('id', ContextId) id: number, @Body() body: UpdateAiContextDto): Promise<AiContextDto> {
    return this.contexts.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDocs({ summary: 'Delete an AI context', id: 1, noContent: true, 404: true })
  async remove(@CurrentUser() user: AuthUser, @Param('id', ContextId) id: number): Promise<void> {
    await this.contexts.delete(user, id);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiDocs({ summary: 'Mark an AI context active', id: 1, ok: AiContextDto, 404: true })
  activate(@CurrentUser() user: AuthUser, @Param('id', ContextId) id: number): Promise<AiContextDto> {
    return this.contexts.setActive(user, id, true);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiDocs({ summary: 'Mark an AI context inactive', id: 1, ok: AiContextDto, 404: true })
  deactivate(@CurrentUser() user: AuthUser, @Param('id', ContextId) id: number): Promise<AiContextDto> {
    return this.contexts.setActive(user, id, false);
  }
}
