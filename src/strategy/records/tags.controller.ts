import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ApiDocs } from '../../common/api-docs';
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
  @ApiDocs({ summary: 'All tags, by name (strategies: the linked ones you can see)', page: true, ok: TagPageDto, 400: true })
  list(@CurrentUser() user: AuthUser, @Query('page') page?: string): Promise<TagPageDto> {
    return this.tags.list(user, pageNumber(page));
  }

  @Post()
  @ApiDocs({
    summary: 'Create a tag (name unique), optionally on some of your strategies',
    created: TagDto,
    400: 'Invalid fields, each named (a taken name, a strategy not yours)',
  })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateTagDto): Promise<TagDto> {
    return this.tags.create(user, body);
  }

  @Get(':id')
  @ApiDocs({ summary: 'One tag', id: 1, ok: TagDto, 400: 'id is not a positive integer', 404: true })
  get(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<TagDto> {
    return this.tags.get(user, id);
  }

  @Put(':id')
  @ApiDocs({ summary: 'Update a tag (staff)', id: 1, ok: TagDto, 400: true, 403: 'Not staff', 404: true })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateTagDto): Promise<TagDto> {
    return this.tags.update(user, id, body);
  }

  @Patch(':id')
  @ApiDocs({
    summary: 'Change a tag (staff), or which of your strategies carry it (anyone signed in: send strategies alone)',
    id: 1,
    ok: TagDto,
    400: true,
    403: 'name/description/color from a non-staff account',
    404: true,
  })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateTagDto): Promise<TagDto> {
    return this.tags.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDocs({ summary: 'Delete a tag and its links (staff)', id: 1, noContent: true, 403: 'Not staff', 404: true })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.tags.delete(user, id);
  }
}
