import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
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
import { CommentDto, CommentPageDto, CreateCommentDto, UpdateCommentDto } from './comments.dto';
import { CommentsService } from './comments.service';
import { optionalId, pageNumber, PathId } from './params';
import { DrfErrors } from '../../common/error-style';

/** Django's `StrategyCommentViewSet` (`/api/strategies/comments/`). */
@ApiTags('strategies')
@Authenticated()
@DrfErrors()
@Controller('api/strategies/comments')
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Get()
  @ApiOperation({ summary: 'Comments on the strategies you can see, newest first' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiQuery({ name: 'strategy', required: false, example: 7, description: 'Only this strategy' })
  @ApiOkResponse({ type: CommentPageDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  list(@CurrentUser() user: AuthUser, @Query('page') page?: string, @Query('strategy') strategy?: string): Promise<CommentPageDto> {
    return this.comments.list(user, pageNumber(page), optionalId(strategy, 'strategy'));
  }

  @Post()
  @ApiDocs({
    summary: 'Comment on (or review) a strategy you can see, as yourself',
    created: CommentDto,
    400: 'Invalid fields, each named',
  })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateCommentDto): Promise<CommentDto> {
    return this.comments.create(user, body);
  }

  @Get(':id')
  @ApiDocs({ summary: 'One comment', id: 1, ok: CommentDto, 400: 'id is not a positive integer', 404: true })
  get(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<CommentDto> {
    return this.comments.get(user, id);
  }

  @Put(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Update your comment (strategy and content required)' })
  @ApiOkResponse({ type: CommentDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto, description: "Someone else's comment" })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateCommentDto): Promise<CommentDto> {
    return this.comments.update(user, id, body);
  }

  @Patch(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Change some fields of your comment' })
  @ApiOkResponse({ type: CommentDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto, description: "Someone else's comment" })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateCommentDto): Promise<CommentDto> {
    return this.comments.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Delete your comment and its replies' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ type: ErrorBodyDto, description: "Someone else's comment" })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.comments.delete(user, id);
  }
}
