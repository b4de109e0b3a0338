import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
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
import { DomainError, ErrorCode } from '../common/domain-error';
import { IntegerIdPipe } from '../common/path-id';
import { ErrorBodyDto } from '../common/error-body.dto';
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
  @ApiOperation({ summary: 'Your AI contexts, most recently used first' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiOkResponse({ type: AiContextPageDto })
  list(@CurrentUser() user: AuthUser, @Query('page') page?: string): Promise<AiContextPageDto> {
    return this.contexts.list(user, pageNumber(page));
  }

  @Post()
  @ApiOperation({ summary: 'Save a new AI context' })
  @ApiCreatedResponse({ type: AiContextDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid fields, each named' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateAiContextDto): Promise<AiContextDto> {
    return this.contexts.create(user, body);
  }

  @Get(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'One of your AI contexts' })
  @ApiOkResponse({ type: AiContextDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such context, or not yours' })
  get(@CurrentUser() user: AuthUser, @Param('id', ContextId) id: number): Promise<AiContextDto> {
    return this.contexts.get(user, id);
  }

  @Put(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Replace an AI context (session_name required)' })
  @ApiOkResponse({ type: AiContextDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  put(@CurrentUser() user: AuthUser, @Param('id', ContextId) id: number, @Body() body: CreateAiContextDto): Promise<AiContextDto> {
    return this.contexts.update(user, id, body);
  }

  @Patch(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Change some fields of an AI context' })
  @ApiOkResponse({ type: AiContextDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  patch(@CurrentUser() user: AuthUser, @Param('id', ContextId) id: number, @Body() body: UpdateAiContextDto): Promise<AiContextDto> {
    return this.contexts.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Delete an AI context' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async remove(@CurrentUser() user: AuthUser, @Param('id', ContextId) id: number): Promise<void> {
    await this.contexts.delete(user, id);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Mark an AI context active' })
  @ApiOkResponse({ type: AiContextDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  activate(@CurrentUser() user: AuthUser, @Param('id', ContextId) id: number): Promise<AiContextDto> {
    return this.contexts.setActive(user, id, true);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Mark an AI context inactive' })
  @ApiOkResponse({ type: AiContextDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  deactivate(@CurrentUser() user: AuthUser, @Param('id', ContextId) id: number): Promise<AiContextDto> {
    return this.contexts.setActive(user, id, false);
  }
}
