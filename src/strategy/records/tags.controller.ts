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
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../../common/error-body.dto';
import { pageNumber, PathId } from './params';
import { CreateTagDto, TagDto, TagPageDto, UpdateTagDto } from './tags.dto';
import { TagsService } from './tags.service';
import { DrfErrors } from '../../common/error-style';

/** Django's `StrategyTagViewSet` (`/api/strategies/tags/`). Tags are shared; see `TagsService` for who changes what. */
@ApiTags('strategies')
@Authenticated()
@DrfErrors()
@Controller('api/strategies/tags')
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  @Get()
  @ApiOperation({ summary: 'All tags, by name (strategies: the linked ones you can see)' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiOkResponse({ type: TagPageDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  list(@CurrentUser() user: AuthUser, @Query('page') page?: string): Promise<TagPageDto> {
    return this.tags.list(user, pageNumber(page));
  }

  @Post()
  @ApiOperation({ summary: 'Create a tag (name unique), optionally on some of your strategies' })
  @ApiCreatedResponse({ type: TagDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid fields, each named (a taken name, a strategy not yours)' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateTagDto): Promise<TagDto> {
    return this.tags.create(user, body);
  }

  @Get(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'One tag' })
  @ApiOkResponse({ type: TagDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'id is not a positive integer' })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  get(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<TagDto> {
    return this.tags.get(user, id);
  }

  @Put(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Update a tag (staff)' })
  @ApiOkResponse({ type: TagDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto, description: 'Not staff' })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateTagDto): Promise<TagDto> {
    return this.tags.update(user, id, body);
  }

  @Patch(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Change a tag (staff), or which of your strategies carry it (anyone signed in: send strategies alone)' })
  @ApiOkResponse({ type: TagDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto, description: 'name/description/color from a non-staff account' })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateTagDto): Promise<TagDto> {
    return this.tags.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Delete a tag and its links (staff)' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ type: ErrorBodyDto, description: 'Not staff' })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.tags.delete(user, id);
  }
}
